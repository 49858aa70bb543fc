/**
 * Estate's look for the API docs page at /api/docs (Swagger UI underneath): the page title, Estate's mark as the
 * tab icon and, in the top bar, Estate's mark and name instead of Swagger's logo, linking back to the web UI.
 */

// The same mark as the web UI's favicon (apps/web/public/favicon.svg); servers do not import web files.
const MARK = '<rect width="32" height="32" rx="7" fill="#1c7ed6"/><path d="M9 8h14v3.5H13v3h8.5V18H13v3h10v3.5H9z" fill="#fff"/>';

/** Tab icon: Estate's mark. */
export const API_DOCS_FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>Estate</title>${MARK}</svg>`;

/** Top-bar logo: the mark and "Estate API" in white, for Swagger UI's dark bar. */
export const API_DOCS_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 190 32" width="190" height="32"><title>Estate API</title>${MARK}<text x="42" y="23" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="20" font-weight="600" fill="#fff">Estate API</text></svg>`;

/** The `theme` and `logo` options of @fastify/swagger-ui. */
export const API_DOCS_BRANDING = {
  theme: {
    title: 'Estate API',
    favicon: [{ filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: API_DOCS_FAVICON }],
  },
  logo: { type: 'image/svg+xml', content: API_DOCS_LOGO, href: '/', target: '_self' as const },
};
