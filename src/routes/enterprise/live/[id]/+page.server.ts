// An enterprise's own live class: the same console as the institution's (owner's admins only;
// requireConsoleClass checks the class belongs to the signed-in organisation).
export { load, actions } from '../../../institution/live/[id]/+page.server.ts';
