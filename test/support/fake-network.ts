import { connect } from 'node:net';
import {
  Connector,
  HostResolver,
  type ConnectedSocket,
  type ConnectTarget,
  type ResolvedAddress,
} from '../../src/common/http/outbound-network.js';

const family = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/**
 * A DNS that answers from a table. Each name has a list of answers, one per lookup (the last one
 * repeats), so a rebinding attack (public first, private next) can be played.
 */
export class FakeResolver extends HostResolver {
  readonly lookups: string[] = [];
  private readonly table = new Map<string, string[][]>();

  answer(hostname: string, ...answers: string[][]): this {
    this.table.set(hostname, answers);
    return this;
  }

  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    this.lookups.push(hostname);
    const answers = this.table.get(hostname);
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    return answer.map((address) => ({ address, family: family(address) }));
  }
}

/**
 * A network where simulated addresses are routed to loopback ports. Every attempt is recorded, so a
 * test can prove that no connection to a forbidden address was even tried; an unrouted address fails
 * like an unreachable host, and no packet ever leaves loopback.
 */
export class FakeConnector extends Connector {
  readonly attempts: string[] = [];
  private readonly routes = new Map<string, { port: number; reportedAs?: string }>();

  route(address: string, port: number, reportedAs?: string): this {
    this.routes.set(address, { port, reportedAs });
    return this;
  }

  connect(target: ConnectTarget): Promise<ConnectedSocket> {
    this.attempts.push(target.address);
    const route = this.routes.get(target.address);
    if (!route) return Promise.reject(Object.assign(new Error(`connect EHOSTUNREACH ${target.address}`), { code: 'EHOSTUNREACH' }));
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: route.port });
      socket.once('connect', () => resolve({ socket, remoteAddress: route.reportedAs ?? target.address }));
      socket.once('error', reject);
    });
  }
}
