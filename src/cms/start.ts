import CMS from 'decap-cms-app';
import siteStyles from '../styles/global.css?url';
import componentStyles from '../components/mdx/mdx.css?url';
import { createCmsConfig } from './config';
import { registerDateWidget } from './date-widget';
import { editorComponents } from './editor-components';
import { CareersPreview, NewsPreview, PagePreview } from './previews';
import { installUploadCheck } from './upload-check';

/** Settings handed over by the admin page (data-cms-* attributes on <body>). */
export interface StartSettings {
  cmsRepo?: string;
  cmsBranch?: string;
  cmsSiteUrl?: string;
}

const LOCAL_HOSTS = ['localhost', '127.0.0.1'];

/** Says on the page why the content manager cannot start. */
function showNotConfigured(): void {
  const message = document.createElement('p');
  message.className = 'cms-not-configured';
  message.textContent =
    'The content manager is not configured for this site: set CMS_GITHUB_REPO when building (see "Editing content" in the README).';
  document.body.append(message);
}

/** Registers the site's previews and editor components, then starts Decap. */
export function startCms(settings: StartSettings): void {
  const local = LOCAL_HOSTS.includes(location.hostname);
  // On localhost Decap uses the local backend, which needs no repository.
  const repo = settings.cmsRepo || (local ? 'local/site' : undefined);
  if (!repo) return showNotConfigured();

  CMS.registerPreviewStyle(siteStyles);
  CMS.registerPreviewStyle(componentStyles);
  CMS.registerPreviewTemplate('news', NewsPreview);
  CMS.registerPreviewTemplate('careers', CareersPreview);
  CMS.registerPreviewTemplate('pages', PagePreview);
  CMS.registerPreviewTemplate('component-pages', PagePreview);
  for (const component of editorComponents) CMS.registerEditorComponent(component);
  registerDateWidget();
  installUploadCheck();

  CMS.init({
    config: createCmsConfig({
      repo,
      branch: settings.cmsBranch || 'main',
      siteUrl: settings.cmsSiteUrl || undefined,
    }),
  });
}
