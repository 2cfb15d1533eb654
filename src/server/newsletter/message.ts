/**
 * A newsletter email: an HTML part built for mail clients (a table layout,
 * inline styles only, under 100 KB so Gmail does not clip it) and a plain-text
 * part, with absolute links to the live site, RFC 2369 `List-Unsubscribe` and
 * RFC 8058 `List-Unsubscribe-Post` headers, and a visible unsubscribe link.
 *
 * Members-only articles (SECURITY.md 33): a reader who is not a confirmed
 * member gets the title, the summary and a link to log in, never the body.
 * Each send is rendered once per variant; per recipient only the unsubscribe
 * token is put in.
 */
import type { ServerConfig } from '../config.ts';
import { generateSecret } from '../crypto.ts';
import { html, toHtmlString, trustedHtml, type SafeHtml } from '../html/safe-html.ts';
import type { NewsletterArticle } from './articles.ts';

type Site = Pick<ServerConfig, 'siteName' | 'siteUrl'>;

/** The largest HTML part sent; longer articles are cut with a link to read on. */
export const MAX_HTML_BYTES = 100 * 1024;

/** Which copy a reader gets. */
export type Variant = 'full' | 'teaser';

/** A message ready for the transport. */
export interface NewsletterMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** One variant of a send, rendered once, with a placeholder for the token. */
export interface PreparedMessage {
  subject: string;
  text: string;
  html: string;
  /** Replaced by each recipient's unsubscribe token. */
  placeholder: string;
}

/** The variant a reader gets: the full text unless the article is members-only and they are not a confirmed member. */
export function variantFor(article: { membersOnly: boolean }, confirmedMember: boolean): Variant {
  return article.membersOnly && !confirmedMember ? 'teaser' : 'full';
}

/** The one-click unsubscribe URL (RFC 8058) for a token. */
export function unsubscribeUrl(site: Site, token: string): string {
  return `${site.siteUrl}/api/newsletter/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The unsubscribe page (one button) for a token, linked in the footer. */
export function unsubscribePageUrl(site: Site, token: string): string {
  return `${site.siteUrl}/newsletter/unsubscribe/?token=${encodeURIComponent(token)}`;
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;color:#1b1b1b;';
const STYLES: Record<string, string> = {
  p: `${FONT}font-size:16px;line-height:1.5;margin:0 0 16px;`,
  h2: `${FONT}font-size:22px;line-height:1.3;margin:24px 0 12px;`,
  h3: `${FONT}font-size:18px;line-height:1.3;margin:20px 0 8px;`,
  h4: `${FONT}font-size:16px;line-height:1.3;margin:16px 0 8px;`,
  ul: `${FONT}font-size:16px;line-height:1.5;margin:0 0 16px;padding-left:24px;`,
  ol: `${FONT}font-size:16px;line-height:1.5;margin:0 0 16px;padding-left:24px;`,
  li: 'margin:0 0 6px;',
  blockquote: `${FONT}font-size:16px;margin:0 0 16px;padding:0 0 0 16px;border-left:4px solid #c8ccd0;`,
  a: 'color:#1d4f91;text-decoration:underline;',
  img: 'display:block;max-width:100%;height:auto;border:0;',
  table: `${FONT}font-size:15px;border-collapse:collapse;margin:0 0 16px;`,
  th: 'border:1px solid #c8ccd0;padding:6px;text-align:left;',
  td: 'border:1px solid #c8ccd0;padding:6px;',
  aside: `${FONT}font-size:16px;margin:0 0 16px;padding:12px 16px;background:#f1f4f8;`,
  figure: 'margin:0 0 16px;',
  figcaption: `${FONT}font-size:14px;color:#505a5f;margin:4px 0 0;`,
};

/**
 * The site's article HTML made fit for mail: scripts, styles and `srcset`s
 * removed, classes dropped, each element given its inline style, and every
 * site path made absolute. The HTML comes from the site's own build.
 */
export function prepareArticleHtml(bodyHtml: string, site: Site): string {
  return (
    bodyHtml
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, '')
      .replace(/<\/?(picture|source)\b[^>]*>/gi, '')
      // A body image Astro resolves only when it renders the page: nothing a mail client could load.
      .replace(/<img\b[^>]*__ASTRO_IMAGE_[^>]*>/gi, '')
      .replace(/\s(class|srcset|sizes|loading|decoding|style|data-[\w-]+)="[^"]*"/gi, '')
      .replace(/\s(href|src)="\/(?!\/)/gi, ` $1="${site.siteUrl}/`)
      .replace(
        /<(p|h2|h3|h4|ul|ol|li|blockquote|a|img|table|th|td|aside|figure|figcaption)\b/gi,
        (tag, name: string) => {
          const style = STYLES[name.toLowerCase()];
          return style ? `${tag} style="${style}"` : tag;
        },
      )
  );
}

/** Plain text of the site's article HTML: paragraphs and list items on their own lines, links kept. */
export function articleText(bodyHtml: string, site: Site): string {
  return bodyHtml
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, '')
    .replace(
      /<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi,
      (_m, href: string, label: string) => {
        const url = href.startsWith('/') && !href.startsWith('//') ? site.siteUrl + href : href;
        return `${label} (${url})`;
      },
    )
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|h\d|ul|ol|blockquote|table|tr|figure|aside)>/gi, '\n\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function absolute(site: Site, pathOrUrl: string): string {
  return /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${site.siteUrl}${pathOrUrl}`;
}

function button(href: string, label: string): SafeHtml {
  return html`<table
    role="presentation"
    cellpadding="0"
    cellspacing="0"
    border="0"
    style="margin:8px 0 16px;"
  >
    <tr>
      <td style="background:#1d4f91;border-radius:4px;padding:12px 20px;">
        <a
          href="${href}"
          style="${FONT}color:#ffffff;font-size:16px;font-weight:bold;text-decoration:none;"
          >${label}</a
        >
      </td>
    </tr>
  </table>`;
}

function frame(site: Site, title: string, content: SafeHtml, unsubscribePage: string): string {
  const footer = html`<p
      style="${FONT}font-size:13px;line-height:1.5;color:#505a5f;margin:0 0 8px;"
    >
      You get this email because you subscribed to the ${site.siteName} newsletter.
      <a href="${unsubscribePage}" style="color:#1d4f91;text-decoration:underline;">Unsubscribe</a>
      with one button, no login needed.
    </p>
    <p style="${FONT}font-size:13px;color:#505a5f;margin:0;">
      <a href="${site.siteUrl}/" style="color:#1d4f91;"
        >${site.siteUrl.replace(/^https?:\/\//, '')}</a
      >
    </p>`;
  return toHtmlString(
    html`<!doctype html>
      <html lang="en-GB">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${title}</title>
        </head>
        <body style="margin:0;padding:0;background:#eef0f2;">
          <table
            role="presentation"
            width="100%"
            cellpadding="0"
            cellspacing="0"
            border="0"
            style="background:#eef0f2;"
          >
            <tr>
              <td align="center" style="padding:24px 8px;">
                <table
                  role="presentation"
                  width="600"
                  cellpadding="0"
                  cellspacing="0"
                  border="0"
                  style="width:100%;max-width:600px;background:#ffffff;"
                >
                  <tr>
                    <td
                      style="${FONT}background:#0b2f5b;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold;"
                    >
                      ${site.siteName}
                    </td>
                  </tr>
                  <tr>
                    <td style="padding:0 24px;">${content}</td>
                  </tr>
                  <tr>
                    <td style="padding:24px;border-top:1px solid #dfe3e6;">${footer}</td>
                  </tr>
                </table>
              </td>
            </tr>
          </table>
        </body>
      </html>`,
  );
}

/**
 * Renders one variant of an article's email with a placeholder where each
 * reader's unsubscribe token goes. The teaser never reads `bodyHtml`.
 */
export function prepareMessage(
  article: NewsletterArticle,
  variant: Variant,
  site: Site,
): PreparedMessage {
  const placeholder = `unsubscribe-${generateSecret().replace(/[^A-Za-z0-9]/g, '')}`;
  const articleUrl = absolute(site, article.path);
  const unsubscribePage = unsubscribePageUrl(site, placeholder);
  const heading = html`<h1 style="${FONT}font-size:26px;line-height:1.25;margin:24px 0 12px;">
      <a href="${articleUrl}" style="color:#1b1b1b;text-decoration:none;">${article.title}</a>
    </h1>
    <p style="${FONT}font-size:18px;line-height:1.5;margin:0 0 16px;">${article.summary}</p>`;
  const textFooter = `\n\n--\nYou get this email because you subscribed to the ${site.siteName} newsletter.\nUnsubscribe (one button, no login needed): ${unsubscribePage}\n${site.siteUrl}/\n`;
  const subject = article.title;

  if (variant === 'teaser') {
    const login = `${site.siteUrl}/login/?next=${encodeURIComponent(`/members/news/${article.slug}/`)}`;
    const note = `This article is for members of the ${site.siteName}. Log in to read it in full.`;
    const content = html`${heading}
      <p style="${STYLES.p}">${note}</p>
      ${button(login, 'Log in to read the article')}`;
    const text = `${article.title}\n\n${article.summary}\n\n${note}\n${login}${textFooter}`;
    return {
      subject,
      text,
      html: frame(site, article.title, content, unsubscribePage),
      placeholder,
    };
  }

  const hero =
    article.imagePath && !article.membersOnly
      ? html`<img
          src="${absolute(site, article.imagePath)}"
          alt="${article.imageAlt ?? ''}"
          width="552"
          style="display:block;width:100%;max-width:552px;height:auto;border:0;margin:0 0 16px;"
        />`
      : null;
  const readOnline = html`<p style="${STYLES.p}">
    <a href="${articleUrl}" style="${STYLES.a}">Read this article on our website</a>
  </p>`;
  // The body is the site's own build output (markdown rendered by Astro), made fit for mail.
  const body = trustedHtml(prepareArticleHtml(article.bodyHtml, site));
  let htmlPart = frame(
    site,
    article.title,
    html`${heading}${hero}${body}${readOnline}`,
    unsubscribePage,
  );
  let text = `${article.title}\n\n${article.summary}\n\n${articleText(article.bodyHtml, site)}\n\nRead it on our website: ${articleUrl}${textFooter}`;
  if (Buffer.byteLength(htmlPart) > MAX_HTML_BYTES) {
    // Too long for mail clients: the summary and a link, not a clipped message.
    const more = html`<p style="${STYLES.p}">This article is long, so read it on our website.</p>
      ${button(articleUrl, 'Read the article')}`;
    htmlPart = frame(site, article.title, html`${heading}${hero}${more}`, unsubscribePage);
    text = `${article.title}\n\n${article.summary}\n\nRead it on our website: ${articleUrl}${textFooter}`;
  }
  return { subject, text, html: htmlPart, placeholder };
}

/** A prepared variant addressed to one reader, with their unsubscribe token and headers. */
export function personalise(
  prepared: PreparedMessage,
  site: Site,
  to: string,
  token: string,
): NewsletterMessage {
  return {
    to,
    subject: prepared.subject,
    text: prepared.text.split(prepared.placeholder).join(token),
    html: prepared.html.split(prepared.placeholder).join(token),
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl(site, token)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
