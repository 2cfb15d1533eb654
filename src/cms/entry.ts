// The content manager's bundle entry, built by src/integrations/cms-bundle.ts and loaded
// only by /admin/, whose <body> carries the backend settings as data-cms-* attributes.
import { startCms } from './start';

startCms(document.body.dataset);
