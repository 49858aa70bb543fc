import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { validateNotificationsSearch } from '../features/alerting/channels/notifications-search';
import { validateExploreSearch } from '../features/metrics-explorer/explore-search';
import { AppShellLayout } from './AppShellLayout';
import { can, isSetupRequired, loadMe, type RouterContext, requireSignedIn } from './auth-guard';
import { NotFoundPage } from './NotFoundPage';
import { RouteErrorPage } from './RouteErrorPage';

/** Search parameters of the login page: where to go after signing in. */
export interface LoginSearch {
  redirect?: string;
}

/** Search parameters of the setup page: the one-time token, when the console printed it as part of a link. */
export interface SetupSearch {
  token?: string;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteErrorPage,
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: (search: Record<string, unknown>): SetupSearch => (typeof search.token === 'string' ? { token: search.token } : {}),
  beforeLoad: async ({ context }) => {
    if (!(await isSetupRequired(context))) throw redirect({ to: '/login' });
  },
  component: lazyRouteComponent(() => import('../features/setup/SetupPage'), 'SetupPage'),
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (search: Record<string, unknown>): LoginSearch =>
    typeof search.redirect === 'string' ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context }) => {
    if (await loadMe(context)) throw redirect({ to: '/' });
    if (await isSetupRequired(context)) throw redirect({ to: '/setup' });
  },
  component: lazyRouteComponent(() => import('../features/auth/LoginPage'), 'LoginPage'),
});

const enrolMfaRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/enrol-mfa',
  beforeLoad: async ({ context, location }) => {
    const me = await loadMe(context);
    if (!me) throw redirect({ to: '/login', search: { redirect: location.href } });
    if (!me.mfaEnrolmentRequired) throw redirect({ to: '/' });
  },
  component: lazyRouteComponent(() => import('../features/profile/EnrolMfaPage'), 'EnrolMfaPage'),
});

// --- alerting: signed action links (public: the token is the credential; the page acts only on its button) ---
const actionLinkRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/alerting/actions/$token',
  component: lazyRouteComponent(() => import('../features/alerting/links/ActionLinkPage'), 'ActionLinkPage'),
});
// --- end alerting: signed action links ---

// Public status pages: render signed out from the public view (only pages marked public answer).
const publicStatusRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/status/$slug',
  component: lazyRouteComponent(() => import('../features/status/PublicStatusPage'), 'PublicStatusPage'),
});

const shellRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'shell',
  beforeLoad: async ({ context, location }) => ({ me: await requireSignedIn(context, location.href) }),
  component: AppShellLayout,
});

const homeRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    // The estate at a glance is made of metrics; who may not read them starts at the inventory, and who cannot read
    // that either still has their tokens.
    if (can(context.me, 'metrics:read')) return;
    throw redirect({ to: can(context.me, 'inventory:read') ? '/inventory' : '/tokens' });
  },
  component: lazyRouteComponent(() => import('../features/home/HomePage'), 'HomePage'),
});

const usersRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/users',
  component: lazyRouteComponent(() => import('../features/users/UsersPage'), 'UsersPage'),
});

const tokensRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/tokens',
  component: lazyRouteComponent(() => import('../features/tokens/TokensPage'), 'TokensPage'),
});

const auditRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/audit',
  component: lazyRouteComponent(() => import('../features/audit/AuditPage'), 'AuditPage'),
});

const inventoryRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/inventory',
  component: lazyRouteComponent(() => import('../features/inventory/InventoryPage'), 'InventoryPage'),
});

const createCiRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/inventory/new',
  validateSearch: (search: Record<string, unknown>): { type?: string } => (typeof search.type === 'string' ? { type: search.type } : {}),
  component: lazyRouteComponent(() => import('../features/inventory/CreateCiPage'), 'CreateCiPage'),
});

const importCisRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/inventory/import',
  component: lazyRouteComponent(() => import('../features/inventory/import/ImportPage'), 'ImportPage'),
});

const ciRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/inventory/$id',
  component: lazyRouteComponent(() => import('../features/inventory/CiDetailPage'), 'CiDetailPage'),
});

const lifecycleRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/lifecycle',
  component: lazyRouteComponent(() => import('../features/inventory/LifecyclePage'), 'LifecyclePage'),
});

const agentsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/agents',
  component: lazyRouteComponent(() => import('../features/agents/AgentsPage'), 'AgentsPage'),
});

const discoveryRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/discovery',
  component: lazyRouteComponent(() => import('../features/discovery/DiscoveryPage'), 'DiscoveryPage'),
});

const snmpCredentialsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/discovery/snmp-credentials',
  component: lazyRouteComponent(() => import('../features/discovery/SnmpCredentialsPage'), 'SnmpCredentialsPage'),
});

const scanRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/discovery/scans/$id',
  component: lazyRouteComponent(() => import('../features/discovery/ScanDetailPage'), 'ScanDetailPage'),
});

const scanRunRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/discovery/runs/$id',
  component: lazyRouteComponent(() => import('../features/discovery/RunPage'), 'RunPage'),
});

const checksRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/checks',
  component: lazyRouteComponent(() => import('../features/monitoring/ChecksPage'), 'ChecksPage'),
});

const newCheckRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/checks/new',
  validateSearch: (search: Record<string, unknown>): { ciId?: string } =>
    typeof search.ciId === 'string' && search.ciId !== '' ? { ciId: search.ciId } : {},
  component: lazyRouteComponent(() => import('../features/monitoring/CheckFormPage'), 'NewCheckPage'),
});

// --- alerting: suppression (silences, maintenance windows, routing) ---
const silencesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/silences',
  component: lazyRouteComponent(() => import('../features/alerting/suppression/SilencesPage'), 'SilencesPage'),
});

const newSilenceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/silences/new',
  validateSearch: (search: Record<string, unknown>): { matchers?: string } =>
    typeof search.matchers === 'string' && search.matchers !== '' ? { matchers: search.matchers } : {},
  component: lazyRouteComponent(() => import('../features/alerting/suppression/SilenceFormPage'), 'SilenceFormPage'),
});

const maintenanceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/maintenance',
  component: lazyRouteComponent(() => import('../features/alerting/suppression/MaintenancePage'), 'MaintenancePage'),
});

const newMaintenanceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/maintenance/new',
  component: lazyRouteComponent(() => import('../features/alerting/suppression/MaintenanceFormPage'), 'MaintenanceFormPage'),
});

const editMaintenanceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/maintenance/$id',
  component: lazyRouteComponent(() => import('../features/alerting/suppression/MaintenanceFormPage'), 'EditMaintenancePage'),
});

const alertRoutingRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/routing',
  component: lazyRouteComponent(() => import('../features/alerting/suppression/RoutingPage'), 'RoutingPage'),
});
// --- end alerting: suppression ---

const statusPagesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/status-pages',
  component: lazyRouteComponent(() => import('../features/status/StatusPagesPage'), 'StatusPagesPage'),
});

const newStatusPageRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/status-pages/new',
  component: lazyRouteComponent(() => import('../features/status/StatusPagesPage'), 'NewStatusPagePage'),
});

const editStatusPageRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/status-pages/$id',
  component: lazyRouteComponent(() => import('../features/status/StatusPagesPage'), 'EditStatusPagePage'),
});

const checkRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/checks/$id',
  component: lazyRouteComponent(() => import('../features/monitoring/CheckDetailPage'), 'CheckDetailPage'),
});

const editCheckRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/checks/$id/edit',
  component: lazyRouteComponent(() => import('../features/monitoring/CheckFormPage'), 'EditCheckPage'),
});

const alertsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts',
  component: lazyRouteComponent(() => import('../features/alerting/alerts/AlertsPage'), 'AlertsPage'),
});

const alertRulesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/rules',
  component: lazyRouteComponent(() => import('../features/alerting/alerts/RuleGroupsPage'), 'RuleGroupsPage'),
});

const newAlertRuleGroupRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/rules/new',
  component: lazyRouteComponent(() => import('../features/alerting/alerts/RuleGroupPage'), 'NewRuleGroupPage'),
});

const alertRuleGroupRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/rules/$id',
  component: lazyRouteComponent(() => import('../features/alerting/alerts/RuleGroupPage'), 'RuleGroupPage'),
});

const alertRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/$id',
  component: lazyRouteComponent(() => import('../features/alerting/alerts/AlertDetailPage'), 'AlertDetailPage'),
});
// --- on-call (oncall helper) ---
const onCallRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/oncall',
  component: lazyRouteComponent(() => import('../features/alerting/oncall/SchedulesPage'), 'SchedulesPage'),
});

const onCallScheduleRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/oncall/schedules/$id',
  component: lazyRouteComponent(() => import('../features/alerting/oncall/SchedulePage'), 'SchedulePage'),
});

const escalationPoliciesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/oncall/escalation-policies',
  component: lazyRouteComponent(() => import('../features/alerting/oncall/EscalationPoliciesPage'), 'EscalationPoliciesPage'),
});

const myOnCallRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/oncall/me',
  component: lazyRouteComponent(() => import('../features/alerting/oncall/MyOnCallPage'), 'MyOnCallPage'),
});
// --- end on-call ---
// --- alerting: notification channels ---
const channelsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/channels',
  component: lazyRouteComponent(() => import('../features/alerting/channels/ChannelsPage'), 'ChannelsPage'),
});

const newChannelRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/channels/new',
  component: lazyRouteComponent(() => import('../features/alerting/channels/ChannelFormPage'), 'NewChannelPage'),
});

const channelRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/channels/$id',
  component: lazyRouteComponent(() => import('../features/alerting/channels/ChannelFormPage'), 'ChannelPage'),
});

const notificationsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerting/notifications',
  validateSearch: validateNotificationsSearch,
  component: lazyRouteComponent(() => import('../features/alerting/channels/NotificationsPage'), 'NotificationsPage'),
});
// --- end alerting: notification channels ---

const softwareRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/software',
  validateSearch: (search: Record<string, unknown>): { name?: string; version?: string } => ({
    ...(typeof search.name === 'string' && search.name !== '' ? { name: search.name } : {}),
    ...(typeof search.version === 'string' && search.version !== '' ? { version: search.version } : {}),
  }),
  component: lazyRouteComponent(() => import('../features/identity/SoftwarePage'), 'SoftwarePage'),
});

const mergeSuggestionsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/merge-suggestions',
  component: lazyRouteComponent(() => import('../features/identity/MergeSuggestionsPage'), 'MergeSuggestionsPage'),
});

const terraformImportsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/terraform-imports',
  component: lazyRouteComponent(() => import('../features/identity/TerraformImportPage'), 'TerraformImportPage'),
});

// Not /metrics: that path is the server's own Prometheus exposition of its metrics.
const exploreRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/explore',
  validateSearch: validateExploreSearch,
  component: lazyRouteComponent(() => import('../features/metrics-explorer/ExplorePage'), 'ExplorePage'),
});

const profileRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/profile',
  component: lazyRouteComponent(() => import('../features/profile/ProfilePage'), 'ProfilePage'),
});

const routeTree = rootRoute.addChildren([
  setupRoute,
  loginRoute,
  enrolMfaRoute,
  actionLinkRoute, // alerting: signed action links
  publicStatusRoute,
  shellRoute.addChildren([
    homeRoute,
    usersRoute,
    tokensRoute,
    auditRoute,
    inventoryRoute,
    createCiRoute,
    importCisRoute,
    ciRoute,
    lifecycleRoute,
    agentsRoute,
    discoveryRoute,
    snmpCredentialsRoute,
    scanRoute,
    scanRunRoute,
    checksRoute,
    newCheckRoute,
    checkRoute,
    editCheckRoute,
    alertsRoute,
    alertRulesRoute,
    newAlertRuleGroupRoute,
    alertRuleGroupRoute,
    alertRoute,
    // --- on-call (oncall helper) ---
    onCallRoute,
    onCallScheduleRoute,
    escalationPoliciesRoute,
    myOnCallRoute,
    // --- end on-call ---
    silencesRoute, // alerting: suppression
    newSilenceRoute, // alerting: suppression
    maintenanceRoute, // alerting: suppression
    newMaintenanceRoute, // alerting: suppression
    editMaintenanceRoute, // alerting: suppression
    alertRoutingRoute, // alerting: suppression
    statusPagesRoute,
    newStatusPageRoute,
    editStatusPageRoute,
    channelsRoute,
    newChannelRoute,
    channelRoute,
    notificationsRoute,
    softwareRoute,
    mergeSuggestionsRoute,
    terraformImportsRoute,
    exploreRoute,
    profileRoute,
  ]),
]);

/** Creates the UI's router over the given API client and query cache. */
export function createAppRouter(context: RouterContext) {
  return createRouter({
    routeTree,
    context,
    defaultPreload: 'intent',
    // The query cache decides freshness; the router must not cache loader results on top of it.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

/** The UI's router type. */
export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
