/**
 * Facets the coming issues fill (docs/ARCHITECTURE.md, engine port). They are declared empty on
 * purpose: each gets its operations together with the route that calls them, so nothing here is
 * an operation nobody uses.
 *
 * - `ProfileFacet`: the own profile. Today the engine only reports it (the session's `profile`
 *   event and `me`); profile name/picture/status writes come with the profile routes.
 * - `CommunitiesFacet`: communities and their linked groups.
 * - `NewslettersFacet`: channels (`w:mex`).
 *
 * `PrivacyFacet` (the blocklist) lives in `privacy.ts` since its first route.
 */
/* eslint-disable @typescript-eslint/no-empty-object-type */
export interface ProfileFacet {}
export interface CommunitiesFacet {}
export interface NewslettersFacet {}
/* eslint-enable @typescript-eslint/no-empty-object-type */
