// A client of ik-mirror typed from its OpenAPI document alone: `npm run client:check` generates
// generated/ik-mirror.ts from openapi/openapi.json with openapi-typescript and type-checks this
// file against it. The named types of the document (Account, Team, ErrorResponse…) are the
// client's types; a lapse in the document (a field or a reference gone, a type turned loose)
// fails the check. Not run: it shows the types at work on plain fetch.
import type { components, operations, paths } from './generated/ik-mirror.js';

type Schemas = components['schemas'];
export type Account = Schemas['Account'];
export type Team = Schemas['Team'];
export type ErrorResponse = Schemas['ErrorResponse'];

type Json<Op, Status extends number> = Op extends {
  responses: Record<Status, { content: { 'application/json': infer B } }>;
}
  ? B
  : never;
type NewTeam = operations['createTeam']['requestBody']['content']['application/json'];
type TeamList = Json<paths['/1/accounts/{account}/teams']['get'], 200>;

/** An error answer, with upstream's code and the fields it names. */
export class IkError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorResponse,
  ) {
    super(`${status} ${body.error.code}: ${body.error.description}`);
  }
}

export class IkMirrorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async account(id: number): Promise<Account> {
    const answer = await this.call<Json<operations['getAccount'], 200>>('GET', `/1/accounts/${id}`);
    return answer.data;
  }

  /** The teams of an organisation: `data` is the list (or the count, with `return=total`). */
  async teams(account: number): Promise<Team[]> {
    const answer = await this.call<TeamList>('GET', `/1/accounts/${account}/teams`);
    return typeof answer.data === 'number' ? [] : answer.data;
  }

  async createTeam(account: number, team: NewTeam): Promise<Team> {
    const answer = await this.call<Json<operations['createTeam'], 201>>('POST', `/1/accounts/${account}/teams`, team);
    return answer.data;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // The document is the contract: an answer is read as the type it declares.
    if (!res.ok) throw new IkError(res.status, (await res.json()) as ErrorResponse);
    return (await res.json()) as T;
  }
}

/** What a caller writes with it: every field is typed from the document. */
export async function usage(client: IkMirrorClient): Promise<string[]> {
  const account = await client.account(1);
  const city: string | undefined = account.addresses[0]?.city;
  const team = await client.createTeam(account.id, {
    name: 'Web',
    permissions: { services: [{ service_id: 14, rights: 'technical' }] },
  });
  const owner: string | undefined = team.owned_by?.display_name;
  const teams = await client.teams(account.id);
  try {
    await client.account(999_999);
  } catch (e) {
    if (e instanceof IkError && e.body.error.code === 'object_not_found') return [];
  }
  // @ts-expect-error an organisation's id is a number: the types are not loose
  const wrong: string = account.id;
  // @ts-expect-error a team has no such field
  void team.no_such_field;
  // @ts-expect-error a team's name is required
  void client.createTeam(account.id, { color_id: 2 });
  return [account.name, city ?? '', owner ?? '', wrong, ...teams.map((t) => t.name)];
}
