/**
 * A private redis-server on a free port, for tests that wipe, stop or restart Redis without
 * touching the shared one other suites use (webhook resilience, the Redis outage test).
 * No persistence (`--save ''`, no AOF): a stop loses every key, like a failover to an empty replica.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

import { freePort } from './process';
import { waitUntil } from './wait';

export interface PrivateRedis {
  url: string;
  port: number;
  flushAll(): Promise<void>;
  /** Runs one redis-cli command; resolves with its raw output. */
  command(...args: string[]): Promise<string>;
  /** Kills the server (SIGKILL: no goodbye to clients, every key lost); resolves once it exited. */
  kill(): Promise<void>;
  /** Starts a new, empty server on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Stops the server for good (SIGTERM). */
  stop(): Promise<void>;
}

/** Starts a redis-server on a free 127.0.0.1 port and waits until it answers. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const cli = (...args: string[]) =>
    promisify(execFile)('redis-cli', ['-p', String(port), ...args]);
  let child: ChildProcess | undefined;
  const launch = async () => {
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = server;
    await waitUntil('redis-server to answer', async () =>
      (await cli('PING')).stdout.includes('PONG'),
    );
  };
  const end = async (signal: NodeJS.Signals) => {
    const server = child;
    child = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill(signal);
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    flushAll: async () => {
      await cli('FLUSHALL');
    },
    command: async (...args) => (await cli(...args)).stdout,
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGKILL');
      await launch();
    },
    stop: () => end('SIGTERM'),
  };
}
