/** One input of a form, described once for the built page and the function's error answer. */
export interface FieldSpec {
  /** The name sent in the body and used as the key of its error message. */
  name: string;
  /** Visible label (hidden fields have none). */
  label: string;
  type: 'text' | 'email' | 'password' | 'hidden';
  /** The `autocomplete` token that lets browsers and password managers fill the field. */
  autocomplete?: string;
  /** Help shown under the label and linked with `aria-describedby`. */
  hint?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  /** Turns off spellcheck and auto-capitalisation (usernames, codes, emails). */
  verbatim?: boolean;
  /** A narrow input for short values such as a 6-digit number. */
  narrow?: boolean;
}

/** A form posting to one function. */
export interface FormSpec {
  /** Unique on its page; prefixes the ids of its fields and marks its place in the HTML. */
  id: string;
  action: string;
  submitLabel: string;
  fields: readonly FieldSpec[];
  /** False for a form whose answer is a download, which the page script must leave alone. */
  enhance?: boolean;
  /** Classes for the submit button, e.g. a warning style for deleting an account. */
  submitClass?: string;
}

/** What a form shows: kept values and errors by field name (`form` for the form as a whole). */
export interface FormState {
  values?: Readonly<Record<string, string>>;
  errors?: Readonly<Record<string, string>>;
}

/** The key of an error about the whole form rather than one field. */
export const FORM_ERROR = 'form';
