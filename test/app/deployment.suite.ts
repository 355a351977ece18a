/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker
 * engine), so their content is checked against what the app and
 * EventStoreDB need: the app's configuration passes its own validation and
 * names the EventStoreDB services the file defines, as they serve.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString.js';
import { loadConfig } from '../../src/config.js';
import { packageRoot } from '../../src/package-root.js';

describe('app/deployment', () => {
  interface Service {
    image?: string;
    build?: string;
    profiles?: string[];
    environment?: Record<string, string>;
    ports?: string[];
    volumes?: string[];
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    networks?: Record<string, { ipv4_address: string }> | string[];
  }

  const root = packageRoot();
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  const inProfile = (profile?: string) =>
    Object.entries(services).filter(([, s]) => (profile ? s.profiles?.includes(profile) : !s.profiles));

  function namedVolume(service: Service, target: string): string {
    const mount = service.volumes?.find((v) => v.split(':')[1] === target);
    expect(mount).toBeDefined();
    const name = mount!.split(':')[0]!;
    expect(compose.volumes).toHaveProperty(name);
    return name;
  }

  /** The app's environment, as loadConfig reads it; the connection string's hosts must be services of the file. */
  function appConnection(service: Service) {
    const config = loadConfig(service.environment);
    expect(config).toMatchObject({ store: 'eventstoredb', host: '0.0.0.0' });
    expect(service.ports).toContain(`${service.ports![0]!.split(':')[0]}:${config.port}`);
    namedVolume(service, config.dataDir);
    return parseConnectionString(config.eventStoreConnectionString!);
  }

  describe('docker compose up (single node)', () => {
    it('starts one insecure EventStoreDB 24.10 node and regledger configured to use it', () => {
      expect(
        inProfile()
          .map(([name]) => name)
          .sort(),
      ).toEqual(['eventstore', 'regledger']);
      const node = services.eventstore!;
      expect(node.image).toBe('eventstore/eventstore:24.10');
      expect(node.environment).toMatchObject({
        EVENTSTORE_CLUSTER_SIZE: '1',
        EVENTSTORE_RUN_PROJECTIONS: 'All',
        EVENTSTORE_START_STANDARD_PROJECTIONS: 'true',
        EVENTSTORE_INSECURE: 'true',
      });
      expect(node.healthcheck!.test.join(' ')).toContain(
        `http://localhost:${node.environment!.EVENTSTORE_NODE_PORT}/health/live`,
      );
      namedVolume(node, '/var/lib/eventstore');

      const app = services.regledger!;
      expect(app.build).toBe('.');
      expect(app.depends_on).toEqual({ eventstore: { condition: 'service_healthy' } });
      const connection = appConnection(app);
      expect(connection).toMatchObject({
        tls: false,
        dnsDiscover: false,
        hosts: [{ address: 'eventstore', port: Number(node.environment!.EVENTSTORE_NODE_PORT) }],
      });
    });
  });

  describe('docker compose --profile cluster', () => {
    const nodes = inProfile('cluster').filter(([, s]) => s.image?.startsWith('eventstore/eventstore:'));
    const address = (s: Service) => (s.networks as Record<string, { ipv4_address: string }>).cluster!.ipv4_address;

    it('runs three secure nodes, each gossiping with the other two, with certificates from es-gencert-cli', () => {
      expect(nodes).toHaveLength(3);
      const certs = services['cluster-certs']!;
      expect(certs.image).toMatch(/^eventstore\/es-gencert-cli:/);
      for (const [name, node] of nodes) {
        const others = nodes.filter(([n]) => n !== name).map(([, s]) => `${address(s)}:2113`);
        expect(node.image).toBe('eventstore/eventstore:24.10');
        expect(node.environment).toMatchObject({
          EVENTSTORE_CLUSTER_SIZE: '3',
          EVENTSTORE_DISCOVER_VIA_DNS: 'false',
          EVENTSTORE_REPLICATION_IP: address(node),
        });
        expect(node.environment!.EVENTSTORE_INSECURE).toBeUndefined();
        expect(node.environment!.EVENTSTORE_GOSSIP_SEED!.split(',').sort()).toEqual(others.sort());
        // Each node's certificate is made for its own address.
        expect(certs.volumes![0]!.split(':')[0]).toBe(namedVolume(node, '/certs'));
        const nodeDir = node.environment!.EVENTSTORE_CERTIFICATE_FILE!.split('/')[2]!;
        expect(JSON.stringify(certs)).toContain(`-ip-addresses 127.0.0.1,172.30.240.1$$n`);
        expect(address(node)).toBe(`172.30.240.1${nodeDir.replace('node', '')}`);
        expect(node.depends_on).toEqual({ 'cluster-certs': { condition: 'service_completed_successfully' } });
      }
    });

    it('points its regledger at all three nodes over TLS, trusting the generated CA', () => {
      const app = services['regledger-cluster']!;
      const connection = appConnection(app);
      expect(connection).toMatchObject({ tls: true, tlsCAFile: '/certs/ca/ca.crt', nodePreference: 'leader' });
      expect(connection.hosts.map((h) => `${h.address}:${h.port}`).sort()).toEqual(
        nodes.map(([name]) => `${name}:2113`).sort(),
      );
      expect(namedVolume(app, '/certs')).toBe('cluster-certs');
      expect(Object.keys(app.depends_on!).sort()).toEqual(nodes.map(([name]) => name).sort());
    });
  });

  /**
   * What Compose v1 (docker-compose 1.29, Debian's package) accepts, from its
   * schema's rules: v2 accepts all of it too. v1 rejected this file once for a
   * top-level `name:`, which only v2 knows.
   */
  const V1_TOP_LEVEL = ['version', 'services', 'networks', 'volumes', 'secrets', 'configs'];
  const V1_SERVICE_KEYS = new Set(
    (
      'build cap_add cap_drop cgroup_parent command configs container_name cpu_count cpu_percent cpu_shares cpu_quota cpu_period cpus cpuset ' +
      'depends_on deploy device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file environment expose extends external_links ' +
      'extra_hosts group_add healthcheck hostname image init ipc isolation labels links logging mac_address mem_limit mem_reservation mem_swappiness ' +
      'memswap_limit network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports privileged profiles pull_policy read_only ' +
      'restart runtime scale security_opt shm_size secrets sysctls stdin_open stop_grace_period stop_signal tmpfs tty ulimits user userns_mode ' +
      'volumes volumes_from working_dir'
    ).split(' '),
  );
  const V1_HEALTHCHECK_KEYS = ['disable', 'interval', 'retries', 'test', 'timeout', 'start_period'];
  const V1_CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];
  const NAME = /^[a-zA-Z0-9._-]+$/;
  const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;

  describe('docker-compose.yml for Compose v1 and v2', () => {
    const raw = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as Record<
      string,
      unknown
    >;

    it('has only the top-level keys v1 knows (no `name:`), and names v1 accepts', () => {
      expect(Object.keys(raw).filter((key) => !key.startsWith('x-') && !V1_TOP_LEVEL.includes(key))).toEqual([]);
      for (const section of ['services', 'networks', 'volumes'] as const) {
        expect(Object.keys(raw[section] ?? {}).filter((name) => !NAME.test(name))).toEqual([]);
      }
    });

    it('gives each service only keys, health checks, conditions and durations v1 knows', () => {
      for (const [name, service] of Object.entries(services)) {
        const keys = Object.keys(service as object).filter((key) => !key.startsWith('x-'));
        expect({ name, unknown: keys.filter((key) => !V1_SERVICE_KEYS.has(key)) }).toEqual({ name, unknown: [] });
        const health = (service as { healthcheck?: Record<string, unknown> }).healthcheck ?? {};
        expect({ name, unknown: Object.keys(health).filter((key) => !V1_HEALTHCHECK_KEYS.includes(key)) }).toEqual({
          name,
          unknown: [],
        });
        for (const key of ['interval', 'timeout', 'start_period'] as const)
          if (health[key] !== undefined) expect(String(health[key] as string | number)).toMatch(DURATION);
        const grace = (service as { stop_grace_period?: string }).stop_grace_period;
        if (grace !== undefined) expect(grace).toMatch(DURATION);
        for (const dependency of Object.values(service.depends_on ?? {}))
          expect(V1_CONDITIONS).toContain(dependency.condition);
      }
    });

    it('waits for the app to stop: more grace than the 10 s regledger takes after SIGTERM', () => {
      for (const name of ['regledger', 'regledger-cluster']) {
        const grace = /^(\d+)s$/.exec((services[name] as { stop_grace_period?: string }).stop_grace_period ?? '10s')!;
        expect(Number(grace[1])).toBeGreaterThan(10);
      }
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

    it('reports healthy once ready, through /health/ready, and stops with SIGTERM', () => {
      const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      expect(lastStage).toMatch(/^HEALTHCHECK .*CMD \["node", "-e", ".*\/health\/ready.*"\]$/m);
      expect(lastStage).toMatch(/^STOPSIGNAL SIGTERM$/m);
      expect(lastStage).toMatch(/^ENV .*HOST=0\.0\.0\.0/m);
    });

    it('builds in one stage and runs `regledger serve` from another as a non-root user', () => {
      expect(dockerfile.split('\n')[0]).toMatch(/two stages/);
      expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
      expect(dockerfile).toMatch(/^COPY --from=build /m);
      const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      expect(lastStage).toMatch(/^USER (?!root|0\b)\S+/m);
      expect(lastStage).toMatch(/^CMD \["node", "dist\/src\/cli\/main\.js", "serve"\]/m);
      expect(lastStage).toMatch(/^COPY examples examples/m);
    });
  });
});
