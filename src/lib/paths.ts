/** Main navigation: label and target; a page is in a section when its path starts with `href`. */
export const MAIN_NAV = [
  { label: 'News', href: '/news/' },
  { label: 'Careers', href: '/careers/' },
  { label: 'About', href: '/about/' },
  { label: 'Members area', href: '/members/' },
] as const;

/** True when `pathname` is the section `href` or a page inside it. */
export function isCurrentSection(pathname: string, href: string): boolean {
  return pathname.startsWith(href);
}
