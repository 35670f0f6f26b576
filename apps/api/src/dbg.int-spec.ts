import { startTestApp, type TestApp } from '../../../test/support/app';
jest.setTimeout(60000);
describe('dbg', () => {
  let app: TestApp;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    app = await startTestApp({ env: { LOG_LEVEL: 'info' }, logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
  });
  afterAll(async () => {
    await app?.close();
  });
  it('answers', async () => {
    await app.http.inject({ method: 'GET', url: '/health' });
    await app.http.inject({ method: 'GET', url: '/metrics' });
    console.log(logLines.filter((l) => l.req).map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.req)}`));
  });
});
