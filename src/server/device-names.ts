/** A signed-in device in words, from its User-Agent, read by bowser. */
import Bowser from 'bowser';

/** E.g. "Chrome 131 on Linux", "Safari on iOS"; "An unknown browser" when nothing is known. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'An unknown browser';
  const parser = Bowser.getParser(userAgent);
  const browser = parser.getBrowser();
  const os = parser.getOS();
  const major = browser.version?.split('.')[0];
  const name = browser.name ? `${browser.name}${major ? ` ${major}` : ''}` : 'An unknown browser';
  return os.name ? `${name} on ${os.name}` : name;
}
