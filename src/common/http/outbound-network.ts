import { lookup } from 'node:dns/promises';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution for outbound fetches; injectable so tests can simulate any DNS answer. */
export abstract class HostResolver {
  abstract resolve(hostname: string): Promise<ResolvedAddress[]>;
}

export class SystemHostResolver extends HostResolver {
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const answers = await lookup(hostname, { all: true, verbatim: true });
    return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
  }
}

export interface ConnectTarget {
  /** The exact address that was validated; the connection goes there and nowhere else. */
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
  readonly timeoutMs: number;
}

export interface ConnectedSocket {
  readonly socket: Duplex;
  /** The peer address as the operating system reports it, checked again before any byte is sent. */
  readonly remoteAddress: string;
}

/** Opens TCP connections for outbound fetches; injectable so tests never touch a non-loopback address. */
export abstract class Connector {
  abstract connect(target: ConnectTarget): Promise<ConnectedSocket>;
}

export class SystemConnector extends Connector {
  connect(target: ConnectTarget): Promise<ConnectedSocket> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect({ host: target.address, port: target.port, family: target.family });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(Object.assign(new Error(`connect to ${target.address}:${target.port} timed out`), { code: 'ETIMEDOUT' }));
      }, target.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve({ socket, remoteAddress: socket.remoteAddress ?? '' });
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }
}
