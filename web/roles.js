// roles.js - which actions the page offers to a user (docs/access.md, docs/api.md).
// Only a mirror for showing controls: the server checks every request itself.

const WRITERS = new Set(['operator', 'analyst', 'admin']);

function isGov(user) { return user.organisation && user.organisation.type === 'government'; }

/** A government coordinator sets the national threat level. */
export function canSetThreatLevel(user) { return user.role === 'coordinator' && isGov(user); }

/** Operators, analysts and admins import for their organisation; government coordinators for any. */
export function canImport(user) { return WRITERS.has(user.role) || canSetThreatLevel(user); }

/** Government coordinators and admins read the audit log (other admins: their organisation's). */
export function canReadAudit(user) {
  return user.role === 'admin' || (user.role === 'coordinator' && isGov(user));
}

/** Admins manage their organisation's users (government admins: everyone's). */
export function canManageUsers(user) { return user.role === 'admin'; }

/** The server says per site whether the caller may write it. */
export function canEditSite(site) { return site && site.can_edit === true; }

export const ROLE_NAMES = {
  admin: 'Administrator', coordinator: 'Coordinator', analyst: 'Analyst', operator: 'Operator',
  viewer: 'Viewer', pio: 'Public information officer', facilitator: 'Exercise facilitator',
  player: 'Exercise player', evaluator: 'Exercise evaluator',
};

export const ORG_TYPES = {
  government: 'government', operator: 'operator', private_security: 'private security', ngo: 'NGO',
};

/* issue 13: public alerts. Public information officers and coordinators of government
   organisations compose and approve (a second person: never the composer); others read the
   issued alerts (docs/access.md "Public alerts"). */
export function canComposeAlerts(user) { return (user.role === 'pio' || user.role === 'coordinator') && isGov(user); }

/* issue 14: the mass-casualty simulation (POST /api/v1/simulations) is open to coordinators,
   analysts and exercise facilitators of any organisation (docs/access.md "Simulations"). */
export function canSimulate(user) { return !!user && ['coordinator', 'analyst', 'facilitator'].includes(user.role); }
/* issue 15: exercise runs (docs/access.md "Exercise runs"). Facilitators, players and evaluators
   take part in runs; government coordinators observe them; a facilitator creates a run. What a
   user sees of one run is the server's `view` of it. */
export function canSeeExercises(user) {
  return ['facilitator', 'player', 'evaluator'].includes(user.role) || (user.role === 'coordinator' && isGov(user));
}
export function canCreateRun(user) { return user.role === 'facilitator'; }
/* issue 16, item 8: critical entities under the CER Directive (docs/access.md "Critical entities"):
   government coordinators, analysts and admins see every designation; an entity's admins and
   operators see their own (the server's list says which). */
export function canSeeCer(user) {
  return (isGov(user) && ['coordinator', 'analyst', 'admin'].includes(user.role)) ||
    (!isGov(user) && ['admin', 'operator'].includes(user.role));
}
