// Tools that run TypeScript without Astro's language service (ESLint's type-aware rules)
// cannot read .astro files. This gives their imports the type every Astro component has;
// `astro check` resolves the files themselves and does not use it.
declare module '*.astro' {
  import type { AstroComponentFactory } from 'astro/runtime/server/index.js';
  const component: AstroComponentFactory;
  export default component;
}

// The content manager's bundle URL, given to /admin/ by src/integrations/cms-bundle.ts.
declare module 'virtual:cms-bundle' {
  export const cmsScript: string;
}
