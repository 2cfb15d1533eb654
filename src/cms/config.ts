import type { CmsConfig } from 'decap-cms-core';
import { collections } from './collections';

/** What an operator sets for the production backend (read at build time). */
export interface CmsBackendSettings {
  /** GitHub repository the CMS commits to, "owner/name" (`CMS_GITHUB_REPO`). */
  repo?: string;
  /** Branch the site is built from (`CMS_BRANCH`, default `main`). */
  branch: string;
  /** The site's public origin, for "view live" links (`SITE_URL`). */
  siteUrl?: string;
}

const REPO_SHAPE = /^[\w.-]+\/[\w.-]+$/;

/**
 * Reads the backend settings from the environment, ignoring a malformed repository
 * name (the admin page then says the production backend is not configured).
 */
export function readBackendSettings(env: Record<string, string | undefined>): CmsBackendSettings {
  const repo = env.CMS_GITHUB_REPO?.trim();
  return {
    repo: repo && REPO_SHAPE.test(repo) ? repo : undefined,
    branch: env.CMS_BRANCH?.trim() || 'main',
    siteUrl: env.SITE_URL?.trim() || undefined,
  };
}

/**
 * The whole Decap configuration. Production edits go through GitHub with Netlify's
 * OAuth provider (editors sign in with GitHub; changes become pull requests in the
 * editorial workflow). On localhost Decap switches to the local backend
 * (decap-server on :8081) whenever it answers.
 */
export function createCmsConfig(settings: CmsBackendSettings): CmsConfig {
  return {
    backend: {
      name: 'github',
      ...(settings.repo ? { repo: settings.repo } : {}),
      branch: settings.branch,
      base_url: 'https://api.netlify.com',
      auth_endpoint: 'auth',
      commit_messages: {
        create: 'Add {{collection}} “{{slug}}”',
        update: 'Update {{collection}} “{{slug}}”',
        delete: 'Delete {{collection}} “{{slug}}”',
        uploadMedia: 'Upload “{{path}}”',
        deleteMedia: 'Delete “{{path}}”',
      },
    },
    local_backend: true,
    publish_mode: 'editorial_workflow',
    load_config_file: false,
    ...(settings.siteUrl ? { site_url: settings.siteUrl, display_url: settings.siteUrl } : {}),
    show_preview_links: true,
    // Uploads default to the news images; every collection overrides this beside its entries.
    media_folder: 'content/news/images',
    public_folder: './images',
    slug: { encoding: 'ascii', clean_accents: true, sanitize_replacement: '-' },
    collections,
  };
}
