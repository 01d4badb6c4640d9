import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseAllDocuments, parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../shared/config.ts';

// Every manifest in deploy/kubernetes is checked against the Kubernetes API schemas (kubernetes-models
// validates with the published OpenAPI definitions), and against what the roles really serve.
const dir = 'deploy/kubernetes';
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: any;
  data?: Record<string, string>;
}
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests: { file: string; doc: Manifest }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(`${dir}/${file}`, 'utf8')).map((d) => ({ file, doc: d.toJS() as Manifest })),
);
const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);

/** The kubernetes-models module of a manifest: `v1/ConfigMap`, `apps/v1/Deployment`, … */
const modelPath = (m: Manifest) => `kubernetes-models/${m.apiVersion}/${m.kind}`;

describe('Kubernetes manifests', () => {
  it('are listed in the kustomization, every one', () => {
    const kustomization = parse(readFileSync(`${dir}/kustomization.yaml`, 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).to.deep.equal([...files].sort());
  });

  it('validate against the Kubernetes API schemas', async () => {
    expect(manifests.length).to.be.greaterThan(10);
    for (const { file, doc } of manifests) {
      const module = (await import(modelPath(doc))) as Record<string, new (value: unknown) => { validate(): void }>;
      const Model = module[doc.kind];
      expect(Model, `${file}: ${doc.apiVersion} ${doc.kind}`).to.be.a('function');
      expect(() => new (Model as new (value: unknown) => { validate(): void })(doc).validate(), `${file}: ${doc.kind} ${doc.metadata.name}`).not.to.throw();
    }
  });

  it('run each role with readiness on /readyz and liveness on /healthz of its ops port', () => {
    const deployments = ofKind('Deployment');
    const entry = (d: Manifest) => d.spec.template.spec.containers[0].command.at(-1);
    expect(deployments.map(entry).sort()).to.deep.equal(['api/main.ts', 'realtime/main.ts', 'workers/main.ts']);
    const opsPorts: Record<string, string> = { 'api/main.ts': 'API_OPS_PORT', 'workers/main.ts': 'WORKER_OPS_PORT', 'realtime/main.ts': 'REALTIME_OPS_PORT' };
    for (const d of deployments) {
      const container = d.spec.template.spec.containers[0];
      const ops = container.ports.find((p: { name: string }) => p.name === 'ops');
      const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      expect(String(ops.containerPort), d.metadata.name).to.equal(env[opsPorts[entry(d)] as string]);
      expect(container.readinessProbe.httpGet, d.metadata.name).to.deep.equal({ path: '/readyz', port: 'ops' });
      expect(container.livenessProbe.httpGet, d.metadata.name).to.deep.equal({ path: '/healthz', port: 'ops' });
      // Longer than a role's own drain, so the kubelet's SIGKILL never cuts one.
      expect(d.spec.template.spec.terminationGracePeriodSeconds).to.be.at.least(30);
    }
  });

  it('give every role a disruption budget, and the api and workers a CPU autoscaler', () => {
    const selected = (kind: string) => ofKind(kind).map((m) => m.metadata.name).sort();
    expect(selected('PodDisruptionBudget')).to.deep.equal(['wetty-api', 'wetty-realtime', 'wetty-workers']);
    expect(ofKind('HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name).sort()).to.deep.equal(['wetty-api', 'wetty-workers']);
    for (const hpa of ofKind('HorizontalPodAutoscaler')) expect(hpa.spec.metrics[0].resource.name).to.equal('cpu');
  });

  it('route the WebSocket path to the realtime nodes and everything else to the api', () => {
    const [ingress] = ofKind('Ingress');
    const paths = ingress?.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]);
    expect(paths).to.deep.equal([
      ['/ws/chats', 'wetty-realtime'],
      ['/', 'wetty-api'],
    ]);
  });

  it('set only variables the config knows', () => {
    const known = new Set(CONFIG_VARIABLES);
    const names = [
      ...Object.keys(ofKind('ConfigMap')[0]?.data ?? {}),
      ...ofKind('Deployment').flatMap((d) => d.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)),
    ];
    expect(names.filter((n) => !known.has(n))).to.deep.equal([]);
  });
});
