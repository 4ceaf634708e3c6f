// Upstream's service catalogue. The official document lists 25 service names and 25 numeric
// service ids but not which goes with which; ik-mirror pairs them in the order listed there
// (names alphabetically, ids ascending), so the pairing is stable and documented.
const NAMES = [
  'ai_tools',
  'backup',
  'certificate',
  'cloud',
  'cloud_hd',
  'custom_url',
  'dedicated_server',
  'domain',
  'drive',
  'e_ticketing',
  'email_hosting',
  'hosting',
  'housing',
  'invitation',
  'jelastic',
  'ksuite',
  'mailing',
  'nas',
  'public_cloud',
  'radio',
  'swiss_backup',
  'video',
  'vod',
  'web_hosting',
  'website_builder',
] as const;
const IDS = [1, 2, 3, 4, 6, 7, 10, 14, 15, 18, 23, 25, 26, 29, 30, 31, 34, 35, 37, 40, 43, 48, 50, 52, 58] as const;

export type ServiceName = (typeof NAMES)[number];
export interface Service {
  id: number;
  name: ServiceName;
}

export const SERVICES: readonly Service[] = NAMES.map((name, i) => ({ id: IDS[i], name }));
export const SERVICE_NAMES = NAMES;
export const SERVICE_IDS = IDS;

const byName = new Map<string, Service>(SERVICES.map((s) => [s.name, s]));
const byId = new Map(SERVICES.map((s) => [s.id, s]));
export const serviceByName = (name: string) => byName.get(name);
export const serviceById = (id: number) => byId.get(id);

/** The service of a name the type says is the catalogue's (a schema enum, a constant). */
export function serviceNamed(name: ServiceName): Service {
  const service = byName.get(name);
  if (!service) throw new Error(`The service catalogue has no ${name}`);
  return service;
}
