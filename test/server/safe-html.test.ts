import { describe, expect, it } from 'vitest';
import {
  escapeHtmlText,
  html,
  toHtmlString,
  trustedHtml,
  type SafeHtml,
} from '../../src/server/html/safe-html.ts';

const render = (value: SafeHtml) => toHtmlString(value);

describe('the html template', () => {
  it('keeps the literal parts of the template as written', () => {
    expect(render(html`<p class="lead">Hello</p>`)).toBe('<p class="lead">Hello</p>');
  });

  it('escapes the five characters that can end text or a quoted attribute', () => {
    const text = `& < > " '`;
    expect(render(html`<p title="${text}">${text}</p>`)).toBe(
      '<p title="&amp; &lt; &gt; &quot; &#39;">&amp; &lt; &gt; &quot; &#39;</p>',
    );
  });

  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['"><script>alert(1)</script>', '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'],
    ["' autofocus onfocus='alert(1)", '&#39; autofocus onfocus=&#39;alert(1)'],
    ['&lt;already escaped&gt;', '&amp;lt;already escaped&amp;gt;'],
  ])('renders hostile text %s as text', (text, escaped) => {
    expect(render(html`<td>${text}</td>`)).toBe(`<td>${escaped}</td>`);
    expect(render(html`<input value="${text}">`)).toBe(`<input value="${escaped}">`);
    expect(render(html`<input value='${text}'>`)).toBe(`<input value='${escaped}'>`);
  });

  it('leaves other characters alone, including non-Latin letters and emoji', () => {
    expect(render(html`${'Østergård Müller 李 👮 = ` /'}`)).toBe('Østergård Müller 李 👮 = ` /');
  });

  it('nests markup from other templates without escaping it again', () => {
    const cell = html`<td>${'<b>'}</td>`;
    expect(render(html`<tr>${cell}</tr>`)).toBe('<tr><td>&lt;b&gt;</td></tr>');
  });

  it('joins arrays without a separator, escaping each text item', () => {
    const rows = ['a<', 'b&'].map((name) => html`<li>${name}</li>`);
    expect(render(html`<ul>${rows}</ul>`)).toBe('<ul><li>a&lt;</li><li>b&amp;</li></ul>');
    expect(render(html`${['<', html`<br>`, ['>', 1]]}`)).toBe('&lt;<br>&gt;1');
    expect(render(html`<ul>${[]}</ul>`)).toBe('<ul></ul>');
  });

  it('renders null, undefined and false as nothing', () => {
    const shown = false;
    expect(render(html`<p>${null}${undefined}${shown && html`<b>no</b>`}</p>`)).toBe('<p></p>');
  });

  it('renders numbers as text, zero included', () => {
    expect(render(html`<td>${0}</td><td>${42}</td><td>${-1.5}</td>`)).toBe(
      '<td>0</td><td>42</td><td>-1.5</td>',
    );
  });

  it('keeps an empty string as empty text', () => {
    expect(render(html`<p>${''}</p>`)).toBe('<p></p>');
  });
});

describe('trusted markup', () => {
  it('passes markup marked as trusted through unchanged', () => {
    const icon = trustedHtml('<svg aria-hidden="true"></svg>');
    expect(render(html`<span>${icon}</span>`)).toBe('<span><svg aria-hidden="true"></svg></span>');
    expect(toHtmlString(icon)).toBe('<svg aria-hidden="true"></svg>');
  });

  it('does not treat an object that merely looks like markup as safe', () => {
    const imitation = { markup: '<script>' } as unknown as SafeHtml;
    expect(render(html`${imitation}`)).not.toContain('<script>');
  });

  it('is refused by the compiler where a plain string is given as markup', () => {
    // @ts-expect-error a string is text, not SafeHtml
    const attempt: SafeHtml = '<b>bold</b>';
    expect(typeof attempt).toBe('string');
  });
});

describe('escapeHtmlText', () => {
  it('escapes ampersands first so existing entities show as typed', () => {
    expect(escapeHtmlText('&amp;')).toBe('&amp;amp;');
  });
});
