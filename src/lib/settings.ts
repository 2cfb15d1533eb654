import { getEntry } from 'astro:content';
import type { SiteSettings } from '../schemas/settings';

/** Site-wide settings from `content/settings/site.yml`; the build fails without them. */
export async function getSettings(): Promise<SiteSettings> {
  const entry = await getEntry('settings', 'site');
  if (!entry)
    throw new Error('content/settings/site.yml is missing: the site needs its name and addresses');
  return entry.data;
}
