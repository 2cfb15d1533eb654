/**
 * Table types for Kysely. Times are milliseconds since the epoch (bigint in
 * Postgres, parsed back to numbers), flags are 0/1 integers on both engines.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A member's or staff user's place in the registration process. */
export type UserStatus = 'unverified' | 'pending' | 'confirmed' | 'rejected' | 'suspended';

/** What a user may do. */
export type UserRole = 'member' | 'staff';

/** Why an email token exists. */
export type TokenPurpose = 'verify' | 'reset' | 'email-change';

/** A roll entry's status. */
export type RollStatus = 'serving' | 'retired';

export interface UsersTable {
  id: string;
  first_name: string;
  surname: string;
  email: string;
  email_lower: string;
  username: string;
  username_lower: string;
  password_hash: string;
  /** HMAC of the warrant number given at registration (null for staff). */
  warrant_hmac: string | null;
  warrant_last2: string | null;
  /** Set to `warrant_hmac` when confirmed; unique, so a number is claimed once. */
  warrant_claim: string | null;
  role: UserRole;
  status: UserStatus;
  /** 1 when the warrant number was on the roll when last checked. */
  roll_on_roll: number;
  /** 1 when the roll's surname for that number matches. */
  roll_surname_match: number;
  /** Roll status of the number, when on the roll. */
  roll_status: RollStatus | null;
  /** 1 when another account had registered the same number first. */
  roll_duplicate: number;
  reject_reason: string | null;
  created_at: number;
  verified_at: number | null;
  confirmed_at: number | null;
  updated_at: number;
  /** TOTP key (RFC 6238), AES-256-GCM encrypted with TOTP_KEY; null when TOTP is off. */
  totp_secret: string | null;
  /** A key shown on the set-up page, kept (encrypted) until one code from it is accepted. */
  totp_pending_secret: string | null;
  /** The last TOTP time step accepted (30 s steps since the epoch), so a code works once. */
  totp_last_step: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** Hex SHA-256 of the session secret. */
  secret_hash: string;
  created_at: number;
  /** Inactivity deadline, moved forward on use. */
  expires_at: number;
  /** Hard deadline, never moved. */
  absolute_expires_at: number;
  /** When a staff member last typed their password again (null: only at sign-in). */
  reauthenticated_at: number | null;
  /**
   * 1 once a second factor was accepted for this session (or it began with a
   * passkey). A session of an account with a second factor and 0 here is
   * half signed in: it reaches only /two-factor/.
   */
  two_factor_verified: Generated<number>;
  /** The browser's User-Agent when the session began, for the list of signed-in devices. */
  user_agent: string | null;
}

/** One single-use recovery code of an account with a second factor. */
export interface RecoveryCodesTable {
  /** Hex SHA-256 of the normalised code (80 random bits, so a plain hash is enough). */
  code_hash: string;
  user_id: string;
  created_at: number;
  used_at: number | null;
}

/** A WebAuthn credential (passkey) registered to an account. */
export interface PasskeysTable {
  /** Credential id, base64url as WebAuthn gives it. */
  id: string;
  user_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  /** Signature counter last reported by the authenticator. */
  counter: number;
  /** JSON array of transports (`usb`, `internal`, `hybrid` ...). */
  transports: string;
  /** The name the person gave it. */
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** A WebAuthn challenge waiting for its answer; used once, then deleted. */
export interface WebauthnChallengesTable {
  /** The challenge, base64url. */
  challenge: string;
  /**
   * `register` (needs `user_id`), `sign-in`, `reauth` (needs `user_id`), or
   * `passkey-proof`: then `challenge` is the SHA-256 of a proof's secret.
   */
  purpose: string;
  user_id: string | null;
  expires_at: number;
}

export interface EmailTokensTable {
  /** Hex SHA-256 of the token. */
  token_hash: string;
  user_id: string;
  purpose: TokenPurpose;
  /** The address being confirmed, for email changes. */
  new_email: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  window_start: number;
  tokens: number;
}

export interface RollEntriesTable {
  warrant_hmac: string;
  surname_norm: string;
  status: RollStatus;
}

export interface RollImportsTable {
  id: string;
  actor: string;
  at: number;
  row_count: number;
  serving_count: number;
  retired_count: number;
}

/** A parsed roll upload kept until it is applied or expires; only HMACs, never numbers. */
export interface RollPendingImportsTable {
  id: string;
  /** Id of the staff user who uploaded it; only they can apply it. */
  actor_id: string;
  /** Hex SHA-256 of the uploaded file, shown on the preview and checked on apply. */
  file_sha256: string;
  /** The roll import the preview was compared with (null: the roll was empty). */
  base_import_id: string | null;
  created_at: number;
  applied_at: number | null;
  row_count: number;
  /** JSON `RollPreview`: counts and samples (last two digits only). */
  preview: string;
  /** Before migration 0014, the JSON array of `[warrantHmac, surnameNorm, status]`; now `[]`, the rows being in `roll_pending_entries`. */
  entries: string;
}

/** A row of a stored upload (or of a CLI import on its way in), written in short batches. */
export interface RollPendingEntriesTable {
  /** The `roll_pending_imports` id (or the CLI import's id) the row belongs to. */
  pending_id: string;
  warrant_hmac: string;
  surname_norm: string;
  status: RollStatus;
}

/** Where a roll job is: see `RollPhase` in src/server/roll/pace.ts. */
export type RollJobPhase = 'reading' | 'checking' | 'comparing' | 'storing' | 'applying';

/** A roll upload or apply in progress (or recently ended), for the console's progress line. */
export interface RollJobsTable {
  id: string;
  kind: 'upload' | 'apply';
  /** Username of the staff member who started it. */
  actor: string;
  phase: RollJobPhase;
  /** Items done in `phase` (rows), of about `total`. */
  done: number;
  total: number;
  started_at: number;
  /** Last progress; a job not updated for a minute has died. */
  updated_at: number;
  finished_at: number | null;
  /** `ok` or `failed` once finished. */
  outcome: 'ok' | 'failed' | null;
}

/** What staff decided about a member who left the roll. */
export type LapseDecision = 'kept' | 'suspended';

/** A confirmed member whose number was on the old roll but not the new one. */
export interface RollLapsesTable {
  user_id: string;
  import_id: string;
  lapsed_at: number;
  decided_at: number | null;
  decided_by: string | null;
  decision: LapseDecision | null;
}

export interface AuditLogTable {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  /** JSON object; never secrets. */
  detail: string;
  at: number;
}

/** A newsletter subscriber's place: confirmation pending, receiving, left, or undeliverable. */
export type SubscriberStatus = 'pending' | 'subscribed' | 'unsubscribed' | 'bounced';

/** A newsletter send: waiting for the worker, going out, done, or stopped by staff. */
export type SendStatus = 'queued' | 'sending' | 'sent' | 'cancelled';

/**
 * One recipient's copy of a send. `sending` is claimed by a worker; `failed`
 * gave up after retries; `skipped` the subscriber left before their turn.
 */
export type DeliveryStatus =
  'queued' | 'sending' | 'sent' | 'failed' | 'bounced' | 'skipped' | 'cancelled';

export interface NewsletterSubscribersTable {
  id: string;
  email: string;
  /** Lower-cased address; unique. */
  email_lower: string;
  name: string | null;
  status: SubscriberStatus;
  /** The member account this subscription belongs to, if any. */
  user_id: string | null;
  /** Hex SHA-256 of the unsubscribe token (the token is an HMAC of the id). */
  unsubscribe_hash: string;
  /** Where consent was given, e.g. `page:/news/pay-talks/` or `account`. */
  consent_source: string | null;
  /** When consent was given (the confirmation, or the member's switch). */
  consent_at: number | null;
  created_at: number;
  updated_at: number;
  unsubscribed_at: number | null;
  bounced_at: number | null;
}

export interface NewsletterTokensTable {
  /** Hex SHA-256 of the confirmation token. */
  token_hash: string;
  subscriber_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface NewsletterSendsTable {
  id: string;
  article_slug: string;
  article_title: string;
  /** JSON `NewsletterArticle`: the article as it was when queued. */
  article: string;
  status: SendStatus;
  /** `deploy`, `cli` or `staff`. */
  source: string;
  /** Username, `cli:<user>` or `deploy`. */
  created_by: string;
  recipient_count: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  cancelled_at: number | null;
}

export interface NewsletterArticlesTable {
  /** An article's slug; the primary key makes queueing it a second time fail. */
  slug: string;
  send_id: string;
  queued_at: number;
  source: string;
}

export interface NewsletterDeliveriesTable {
  send_id: string;
  subscriber_id: string;
  status: DeliveryStatus;
  attempts: number;
  /** Not before this time (back-off after a temporary failure). */
  next_attempt_at: number;
  /** The worker batch holding the row while it is `sending`. */
  claim: string | null;
  claimed_at: number | null;
  sent_at: number | null;
  /** The last SMTP answer or connection error (never the message). */
  last_error: string | null;
}

/** The whole database, for `Kysely<Database>`. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  rate_limits: RateLimitsTable;
  roll_entries: RollEntriesTable;
  roll_imports: RollImportsTable;
  roll_pending_imports: RollPendingImportsTable;
  roll_pending_entries: RollPendingEntriesTable;
  roll_jobs: RollJobsTable;
  roll_lapses: RollLapsesTable;
  audit_log: AuditLogTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  newsletter_subscribers: NewsletterSubscribersTable;
  newsletter_tokens: NewsletterTokensTable;
  newsletter_sends: NewsletterSendsTable;
  newsletter_articles: NewsletterArticlesTable;
  newsletter_deliveries: NewsletterDeliveriesTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type PasskeyRow = Selectable<PasskeysTable>;
export type Subscriber = Selectable<NewsletterSubscribersTable>;
export type NewsletterSend = Selectable<NewsletterSendsTable>;
