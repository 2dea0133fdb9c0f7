/**
 * What a Docker Engine API request asks for, from its method and URI: the
 * action name policies and logs use ('container.create', 'exec.start',
 * 'image.pull', …) and the object it names (container, exec id, image).
 * Requests that change nothing are reads; an endpoint this table does not
 * know is 'unknown' and follows the configured default.
 */

export type DockerActionName =
  | 'ping'
  | 'read'
  | 'events'
  | 'container.create'
  | 'container.start'
  | 'container.update'
  | 'container.restart'
  | 'container.stop'
  | 'container.kill'
  | 'container.remove'
  | 'container.attach'
  | 'container.wait'
  | 'container.resize'
  | 'container.rename'
  | 'container.pause'
  | 'container.unpause'
  | 'container.commit'
  | 'container.archive'
  | 'container.prune'
  | 'exec.create'
  | 'exec.start'
  | 'exec.resize'
  | 'image.pull'
  | 'image.import'
  | 'image.build'
  | 'image.load'
  | 'image.push'
  | 'image.tag'
  | 'image.remove'
  | 'image.prune'
  | 'image.save'
  | 'plugin.install'
  | 'plugin.manage'
  | 'network.manage'
  | 'volume.manage'
  | 'swarm.manage'
  | 'system.manage'
  | 'auth'
  | 'unknown';

export interface DockerAction {
  readonly name: DockerActionName;
  /** Engine API version in the URI ('1.43'), absent when unversioned. */
  readonly apiVersion?: string;
  /** The path without the version prefix and query: '/containers/abc/start'. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Container id or name, exec id, image name or plugin name the URI names. */
  readonly target?: string;
  /** Why an unknown action is unknown (logged). */
  readonly reason?: string;
}

const VERSION_PREFIX = /^\/v(\d{1,3}\.\d{1,3})(?=\/)/;
const MAX_URI = 64 * 1024;

/** Container sub-resources (POST /containers/{id}/<verb>) and the action each is. */
const CONTAINER_POSTS: Readonly<Record<string, DockerActionName>> = {
  start: 'container.start',
  update: 'container.update',
  restart: 'container.restart',
  stop: 'container.stop',
  kill: 'container.kill',
  attach: 'container.attach',
  wait: 'container.wait',
  resize: 'container.resize',
  rename: 'container.rename',
  pause: 'container.pause',
  unpause: 'container.unpause',
  exec: 'exec.create',
};

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseDockerAction(method: string, uri: string): DockerAction {
  const unknown = (path: string, query: URLSearchParams, reason: string, apiVersion?: string): DockerAction => ({ name: 'unknown', path, query, reason, ...(apiVersion ? { apiVersion } : {}) });
  if (uri.length > MAX_URI) return unknown('', new URLSearchParams(), `the request URI is longer than ${MAX_URI} characters`);
  if (!uri.startsWith('/')) return unknown('', new URLSearchParams(), 'the request URI is not a path');
  const q = uri.indexOf('?');
  const rawPath = q === -1 ? uri : uri.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : uri.slice(q + 1));
  const version = VERSION_PREFIX.exec(rawPath);
  const apiVersion = version?.[1];
  const path = (version ? rawPath.slice(version[0].length) : rawPath).replace(/\/+$/, '') || '/';
  const parts = path.split('/').slice(1).map(decode);
  const m = method.toUpperCase();
  const act = (name: DockerActionName, target?: string): DockerAction => ({ name, path, query, ...(apiVersion ? { apiVersion } : {}), ...(target !== undefined ? { target } : {}) });
  // A version prefix that is not a version (/vX/…) is left in the path and fails the lookups below.
  if (/^\/v[^/]*\//.test(rawPath) && !version) return unknown(path, query, `unknown API version prefix in ${rawPath.slice(0, 40)}`);
  if (apiVersion && (Number(apiVersion.split('.')[0]) !== 1)) return unknown(path, query, `unsupported Engine API version ${apiVersion}`, apiVersion);

  const [head, id, verb, ...rest] = parts;
  if (m === 'GET' || m === 'HEAD') {
    if (head === '_ping') return act('ping');
    if (head === 'events') return act('events');
    if (head === 'images' && id === 'get') return act('image.save', query.get('names') ?? undefined);
    if (head === 'images' && verb === 'get') return act('image.save', id);
    if (head === 'containers' && verb === 'archive') return act('container.archive', id);
    return act('read', id);
  }
  switch (head) {
    case '_ping':
      return act('ping');
    case 'containers':
      if (id === 'create' && parts.length === 2 && m === 'POST') return act('container.create', query.get('name') ?? undefined);
      if (id === 'prune' && m === 'POST') return act('container.prune');
      if (id !== undefined && parts.length === 2 && m === 'DELETE') return act('container.remove', id);
      if (id !== undefined && verb === 'archive' && m === 'PUT') return act('container.archive', id);
      if (id !== undefined && verb !== undefined && rest.length === 0 && m === 'POST') {
        const name = CONTAINER_POSTS[verb];
        if (name) return act(name, id);
      }
      break;
    case 'exec':
      if (id !== undefined && verb === 'start' && m === 'POST') return act('exec.start', id);
      if (id !== undefined && verb === 'resize' && m === 'POST') return act('exec.resize', id);
      break;
    case 'images':
      if (id === 'create' && m === 'POST') {
        const from = query.get('fromImage');
        if (from) return act('image.pull', query.get('tag') ? `${from}:${query.get('tag')}` : from);
        if (query.get('fromSrc') !== null) return act('image.import', query.get('repo') ?? undefined);
        return unknown(path, query, 'POST /images/create without fromImage or fromSrc', apiVersion);
      }
      if (id === 'load' && m === 'POST') return act('image.load');
      if (id === 'prune' && m === 'POST') return act('image.prune');
      if (id !== undefined && verb === 'push' && m === 'POST') return act('image.push', id);
      if (id !== undefined && verb === 'tag' && m === 'POST') return act('image.tag', id);
      if (id !== undefined && m === 'DELETE') return act('image.remove', parts.slice(1).join('/'));
      // Image names contain slashes: /images/ghcr.io/acme/app/push.
      if (parts.length > 2 && m === 'POST') {
        const last = parts[parts.length - 1];
        const name = parts.slice(1, -1).join('/');
        if (last === 'push') return act('image.push', name);
        if (last === 'tag') return act('image.tag', name);
      }
      break;
    case 'build':
      if (m === 'POST' && (id === undefined || id === 'prune' || id === 'cancel')) return act(id === undefined ? 'image.build' : 'system.manage');
      break;
    case 'commit':
      if (m === 'POST') return act('container.commit', query.get('container') ?? undefined);
      break;
    case 'plugins':
      if (m === 'POST' && (id === 'pull' || verb === 'upgrade')) return act('plugin.install', query.get('remote') ?? query.get('name') ?? id);
      if (m === 'POST' && id === 'create') return act('plugin.install', query.get('name') ?? undefined);
      return act('plugin.manage', id);
    case 'networks':
      return act('network.manage', id);
    case 'volumes':
      return act('volume.manage', id);
    case 'swarm':
    case 'services':
    case 'nodes':
    case 'secrets':
    case 'configs':
    case 'tasks':
      return act('swarm.manage', id);
    case 'auth':
      return act('auth');
    case 'session':
    case 'grpc':
      // BuildKit's session endpoints: part of a build.
      return act('image.build');
    case 'system':
      return act('system.manage');
    default:
      break;
  }
  return unknown(path, query, `unknown endpoint ${m} ${path.slice(0, 80)}`, apiVersion);
}
