/** Where the server serves its OpenAPI documentation. */
export const API_DOCS_URL = '/api/docs';
