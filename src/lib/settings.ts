import { getEntry } from 'astro:content';
import type { SiteSettings } from '../schemas/settings';

/** The settings of this build, read once: every page's layout needs them. */
let buildSettings: Promise<SiteSettings> | undefined;

async function loadSettings(): Promise<SiteSettings> {
  const entry = await getEntry('settings', 'site');
  if (!entry)
    throw new Error('content/settings/site.yml is missing: the site needs its name and addresses');
  return entry.data;
}

/** Site-wide settings from `content/settings/site.yml`; the build fails without them. */
export async function getSettings(): Promise<SiteSettings> {
  // The dev server keeps modules between requests while editors change content.
  if (import.meta.env.DEV) return loadSettings();
  buildSettings ??= loadSettings();
  return buildSettings;
}
