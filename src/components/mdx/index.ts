import Callout from './Callout.astro';
import ContactBox from './ContactBox.astro';
import RoleCard from './RoleCard.astro';

/**
 * The components an .mdx entry may use without importing them: pass to
 * `<Content components={mdxComponents} />` when rendering an entry.
 */
export const mdxComponents = { Callout, ContactBox, RoleCard };
