import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../shared/config.ts';

interface Service {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, unknown>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
  stop_grace_period?: string;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Redis, MinIO, migrations, one api, two workers and two realtime nodes behind one edge', () => {
    expect(Object.keys(services).sort()).to.deep.equal(
      ['api', 'edge', 'migrate', 'minio', 'minio-setup', 'postgres', 'realtime-1', 'realtime-2', 'redis', 'workers-1', 'workers-2'].sort(),
    );
    const entry = (name: string) => services[name]?.command?.at(-1);
    expect(entry('api')).to.equal('api/main.ts');
    expect([entry('workers-1'), entry('workers-2')]).to.deep.equal(['workers/main.ts', 'workers/main.ts']);
    expect([entry('realtime-1'), entry('realtime-2')]).to.deep.equal(['realtime/main.ts', 'realtime/main.ts']);
    for (const [name, service] of appServices) {
      const file = service.command?.find((part) => part.endsWith('.ts'));
      expect(file && existsSync(file), `${name}: ${file}`).to.equal(true);
    }
  });

  it('gives every long-running role a stop timeout above its own drain, so SIGKILL never cuts one', () => {
    for (const [name, service] of appServices.filter(([, s]) => s.restart !== 'no')) {
      expect(service.stop_grace_period, name).to.equal('30s');
    }
  });

  it('keeps Redis durable and never evicting', () => {
    const command = services.redis?.command?.join(' ') ?? '';
    expect(command).to.contain('--appendonly yes');
    expect(command).to.contain('--maxmemory-policy noeviction');
  });

  it('gives the app services only variables the config knows', () => {
    const known = new Set(CONFIG_VARIABLES);
    expect(appServices.length).to.equal(6);
    for (const [name, service] of appServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((variable) => !known.has(variable));
      expect(unknown, name).to.deep.equal([]);
    }
  });

  it('passes each role its listeners on all interfaces and the operator password to the api', () => {
    const env = (name: string) => services[name]?.environment ?? {};
    expect(env('api')).to.include({ API_HOST: '0.0.0.0', API_OPS_HOST: '0.0.0.0', TRUST_PROXY: 'true', NODE_ENV: 'production' });
    expect(env('api')).to.have.property('OPERATOR_PASSWORD');
    expect(env('workers-2')).to.include({ WORKER_OPS_HOST: '0.0.0.0' });
    expect(env('realtime-2')).to.include({ WS_HOST: '0.0.0.0', WS_PATH: '/ws/chats' });
  });

  it('health-checks every long-running service and orders start-up on health and completed one-shots', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.restart === 'no') continue; // one-shots
      expect(service.healthcheck?.test, name).to.be.an('array');
    }
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} → ${dependency}`).to.be.an('object');
        const expected = services[dependency]?.restart === 'no' ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} → ${dependency}`).to.equal(expected);
      }
    }
  });

  it('publishes one port only, the edge, which sends /ws/chats to both realtime nodes and the rest to the api', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports?.length).map(([name]) => name);
    expect(published).to.deep.equal(['edge']);
    const mount = services.edge?.volumes?.[0]?.split(':')[0]?.replace(/^\.\//, '') ?? '';
    const conf = readFileSync(mount, 'utf8');
    expect(conf).to.match(/location = \/ws\/chats \{[^}]*proxy_pass http:\/\/wetty_realtime;[^}]*proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).to.match(/upstream wetty_realtime \{[^}]*server realtime-1:3001[^}]*server realtime-2:3001/);
    expect(conf).to.match(/location \/ \{[^}]*proxy_pass http:\/\/wetty_api;/);
    expect(conf).to.match(/upstream wetty_api \{[^}]*server api:3000/);
  });
});
