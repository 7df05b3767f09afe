import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

// What a user meets: the whole CLI as a child process, start to exit, on a
// workload it has not seen — a generated pack of single-turn Chinese FAQ
// questions (one key point each) against a local HTTP bot.
// 1. 2,000 conversations at 0 ms bot latency, --concurrency 32: conversations/s
//    (target ≥1,000/s) and the child's peak memory;
// 2. the same at 200 ms bot latency: wall vs the ideal 2,000 × 200 ms ÷ 32
//    (target ≤1.15×);
// 3. 20,000 conversations at 0 ms — the 2,000 cases × --repeat 10 ("big"), and
//    20,000 distinct cases in ten packs ("bigcases") — peak memory (target
//    < 1 GB), index.html's size (target ≤ 5 MB) and how long Chromium takes to
//    open it (target ≤ 2 s);
// 4. with PROMPTFOO=<path to the promptfoo CLI>: promptfoo on workloads 1 and 2
//    (an http provider, one `icontains` assertion per test), and the ratio.
// E2E_ONLY=zero,latency,big,bigcases,promptfoo picks parts.

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const work = join(tmpdir(), `harness-bench-e2e-${process.pid}`);
const only = (process.env.E2E_ONLY ?? '').split(',').filter(Boolean);
const want = (part: string) => !only.length || only.includes(part);
// E2E_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' passes flags to the harness's node (to profile it);
// E2E_KEEP=1 keeps the generated packs and run folders (their path is printed).
const nodeArgs = (process.env.E2E_NODE_ARGS ?? '').split(' ').filter(Boolean);

// 50 FAQ topics × places and products → distinct questions, each with the one
// word a correct answer must contain.
const topics: { q: string; a: string; kw: string; point: string }[] = [
  { q: '信用卡年费怎么收', a: '信用卡年费按卡种收取，普卡首年免年费，刷卡满六次可免次年年费。', kw: '免年费', point: '满足刷卡次数可免年费' },
  { q: '借记卡丢了怎么办', a: '请立即拨打客服热线或在手机银行办理临时挂失，再携带身份证到网点补卡。', kw: '挂失', point: '先挂失再补卡' },
  { q: '怎么查询账户余额', a: '您可以通过手机银行首页的账户总览查询余额，也可以拨打客服热线查询。', kw: '手机银行', point: '手机银行可查余额' },
  { q: '跨行转账要手续费吗', a: '通过手机银行和网上银行跨行转账免收手续费，柜台转账按标准收费。', kw: '免收手续费', point: '线上跨行转账免费' },
  { q: '定期存款利率是多少', a: '一年期定期存款年利率为1.45%，具体以网点公告为准。', kw: '年利率', point: '给出定期年利率' },
  { q: '怎么开通手机银行', a: '下载本行手机银行App，使用银行卡号和预留手机号注册即可开通。', kw: '预留手机号', point: '用卡号和预留手机号注册' },
  { q: '房贷提前还款怎么申请', a: '提前还款需提前十五个工作日通过手机银行或经办网点提交申请。', kw: '提前还款', point: '提前申请提前还款' },
  { q: '外币兑换在哪里办理', a: '外币兑换可在手机银行结售汇功能或开办外汇业务的网点办理。', kw: '结售汇', point: '通过结售汇办理' },
  { q: '网点几点开门', a: '多数网点工作日九点营业至下午五点，部分网点周末营业，请以网点公告为准。', kw: '营业', point: '给出营业时间' },
  { q: '银行卡被冻结了怎么解冻', a: '请本人携带身份证和银行卡到开户网点核实后办理解冻。', kw: '解冻', point: '本人到网点办理解冻' },
  { q: '怎么修改预留手机号', a: '可在手机银行安全中心修改预留手机号，或本人携带身份证到网点办理。', kw: '安全中心', point: '手机银行安全中心修改' },
  { q: '信用卡怎么提额', a: '保持良好用卡和还款记录，可在信用卡App申请提升额度，系统会综合评估。', kw: '提升额度', point: '在App申请提升额度' },
  { q: '信用卡逾期了有什么影响', a: '逾期会产生违约金和利息，并可能影响个人征信记录，请尽快还款。', kw: '征信', point: '逾期影响征信' },
  { q: '理财产品可以提前赎回吗', a: '开放式理财产品可在开放日赎回，封闭式产品到期前一般不能提前赎回。', kw: '赎回', point: '说明赎回规则' },
  { q: '怎么办理销户', a: '销户需本人携带身份证和银行卡到网点柜台办理，销户前请转出余额。', kw: '柜台', point: '本人到柜台销户' },
  { q: '忘记登录密码怎么办', a: '在登录页点击忘记密码，验证身份证号和预留手机号后即可重置。', kw: '重置', point: '验证身份后重置密码' },
  { q: '转账限额是多少', a: '手机银行单笔转账限额五万元，日累计二十万元，可在安全设置中调整。', kw: '限额', point: '给出转账限额' },
  { q: '怎么开具存款证明', a: '存款证明可在网点柜台开具，需本人携带身份证，部分地区支持线上申请。', kw: '存款证明', point: '柜台开具存款证明' },
  { q: '社保卡怎么激活', a: '社保卡可在本行网点或自助终端激活金融功能，需本人携带身份证。', kw: '激活', point: '网点或自助终端激活' },
  { q: '怎么申请信用卡分期', a: '单笔消费满五百元即可在信用卡App申请账单分期或消费分期。', kw: '分期', point: '在App申请分期' },
  { q: '短信通知怎么开通', a: '可在手机银行设置中开通动账短信通知服务，每月收取少量服务费。', kw: '短信通知', point: '手机银行开通短信通知' },
  { q: '收到诈骗电话怎么办', a: '银行不会索要验证码，请勿转账，及时挂断并拨打官方客服核实或报警。', kw: '验证码', point: '不透露验证码' },
  { q: '境外取现手续费多少', a: '境外取现每笔收取取现金额百分之一的手续费，最低十二元。', kw: '手续费', point: '说明境外取现手续费' },
  { q: '如何办理个人贷款', a: '个人消费贷款可在手机银行在线申请，审批通过后额度实时到账。', kw: '在线申请', point: '手机银行在线申请贷款' },
  { q: '怎么查询信用卡账单', a: '可在信用卡App账单页面查询，也可以拨打客服热线查询已出账单。', kw: '账单', point: '在App查询账单' },
  { q: '大额取现要预约吗', a: '单笔取现五万元以上需提前一天预约，可通过手机银行或电话预约。', kw: '预约', point: '大额取现需预约' },
  { q: '汇款多久能到账', a: '行内汇款实时到账，跨行汇款一般两小时内到账，节假日可能延迟。', kw: '到账', point: '说明到账时间' },
  { q: '怎么绑定微信支付', a: '在微信支付中添加银行卡，输入卡号并验证预留手机号即可绑定。', kw: '绑定', point: '在微信中添加银行卡绑定' },
  { q: '养老金怎么领取', a: '养老金按月发放到社保卡金融账户，可在网点或自助设备支取。', kw: '社保卡', point: '养老金发放到社保卡' },
  { q: '账户管理费怎么免', a: '日均余额满一万元或代发工资账户可免收账户管理费。', kw: '免收', point: '满足条件免管理费' },
  { q: '支票怎么办理', a: '对公客户可在开户网点购买支票，需携带预留印鉴和购买凭证。', kw: '预留印鉴', point: '携带印鉴购买支票' },
  { q: '数字人民币怎么开通', a: '下载数字人民币App，选择本行开立钱包并绑定银行卡即可。', kw: '钱包', point: '开立数字人民币钱包' },
  { q: '保险箱怎么租', a: '保管箱业务需本人到开办网点申请，按箱型大小收取年租金。', kw: '保管箱', point: '到网点申请保管箱' },
  { q: '公积金贷款怎么办', a: '公积金贷款需先向公积金中心申请，审批后由本行发放贷款。', kw: '公积金中心', point: '先向公积金中心申请' },
  { q: '积分怎么兑换', a: '信用卡积分可在积分商城兑换礼品或抵扣年费，积分有效期三年。', kw: '积分商城', point: '积分商城兑换' },
  { q: 'U盾丢了怎么办', a: '请携带身份证到网点办理U盾挂失和补办，补办收取工本费。', kw: '补办', point: '网点挂失补办U盾' },
  { q: '如何投诉', a: '您可以拨打客服热线转投诉专席，或在手机银行意见反馈中提交投诉。', kw: '投诉', point: '提供投诉渠道' },
  { q: '存款有保险吗', a: '本行已参加存款保险，同一存款人在本行的存款最高偿付限额为五十万元。', kw: '存款保险', point: '说明存款保险' },
  { q: '怎么开通网上银行', a: '本人携带身份证和银行卡到网点签约，或在官网自助注册网上银行。', kw: '网上银行', point: '签约开通网上银行' },
  { q: '工资卡怎么办理', a: '工资卡一般由单位统一代发办理，个人也可携带身份证到网点开立借记卡。', kw: '代发', point: '单位代发办理工资卡' },
];
const places = ['北京', '上海', '广州', '深圳', '杭州', '南京', '成都', '重庆', '武汉', '西安', '天津', '苏州', '长沙', '郑州', '青岛', '沈阳', '大连', '厦门', '宁波', '合肥', '济南', '福州', '昆明', '南宁', '贵阳', '太原', '石家庄', '哈尔滨', '长春', '南昌', '兰州', '海口', '乌鲁木齐', '呼和浩特', '银川', '西宁', '拉萨', '无锡', '佛山', '东莞', '温州', '泉州', '烟台', '珠海', '徐州', '洛阳', '扬州', '常州', '绍兴', '嘉兴'];
const forms = ['请问', '你好，', '想问一下，', '麻烦问下，', '咨询一下：', '您好，请问', '我想了解', '打扰一下，', '问个问题：', '在吗？'];

interface Workload {
  scenarios: string;
  answers: Map<string, string>;
  tests: { question: string; kw: string }[];
}

/** A pack of n single-turn cases, one key point each, plus the bot's answer to each question. */
function workload(n: number): Workload {
  const dir = join(work, `scenarios-${n}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(root, 'scenarios', 'zh-CN', '_locale.yaml'), join(dir, '_locale.yaml'));
  const answers = new Map<string, string>();
  const tests: Workload['tests'] = [];
  const cases = [];
  for (let i = 0; i < n; i++) {
    const t = topics[i % topics.length];
    const p = places[Math.floor(i / topics.length) % places.length];
    const f = forms[Math.floor(i / (topics.length * places.length)) % forms.length];
    const round = Math.floor(i / (topics.length * places.length * forms.length));
    const question = `${f}${p}${round ? `第${round + 1}分行` : ''}${t.q}？`;
    answers.set(question, `您好，${p}地区：${t.a}`);
    tests.push({ question, kw: t.kw });
    cases.push({ id: `q${i}`, name: `${p}${t.q}`, turns: [{ say: question, expect: { keypoints: [{ id: 'kp', text: t.point, any: [t.kw] }] } }] });
  }
  // Packs of 2,000 cases at most: a config file is limited to 1 MB.
  for (let k = 0; k * 2000 < cases.length; k++) {
    const id = k ? `faq-${k + 1}` : 'faq';
    writeFileSync(
      join(dir, `${id}.yaml`),
      stringify({ id, name: `常见问题${k ? k + 1 : ''}`, locale: 'zh-CN', intent: { id: 'faq', description: '客户咨询日常银行业务的常见问题' }, channels: ['online'], cases: cases.slice(k * 2000, (k + 1) * 2000) }, { lineWidth: 0 }),
    );
  }
  return { scenarios: dir, answers, tests };
}

/** A bank bot on loopback: POST {sessionId, text} → {reply: {text}}, after latencyMs. */
async function bot(answers: Map<string, string>, latencyMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      let text = '';
      try {
        text = String((JSON.parse(body) as { text?: unknown }).text ?? '');
      } catch {
        // answered as not understood
      }
      const reply = answers.get(text) ?? '抱歉，没有理解您的问题，请换个说法。';
      const send = () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ reply: { text: reply } }));
      };
      if (latencyMs) setTimeout(send, latencyMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, server };
}

function bankFile(url: string): string {
  const file = join(work, `bank-${process.hrtime.bigint()}.yaml`);
  writeFileSync(
    file,
    stringify({
      id: 'faq-bot',
      name: 'FAQ 机器人',
      politeness: { maxConcurrent: 64, minIntervalMs: 0 },
      channels: { api: { adapter: 'http', kind: 'online', url, request: { sessionId: '{{sessionId}}', text: '{{text}}' }, response: { text: 'reply.text' } } },
    }),
  );
  return file;
}

interface Timed {
  wallS: number;
  peakMb: number;
  /** The child's CPU time, user + system. */
  cpuS: number;
  code: number | null;
  stderr: string;
}

/** Run a command under /usr/bin/time -v: wall from spawn to exit, the child's peak RSS. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-v', cmd, ...(cmd === process.execPath ? nodeArgs : []), ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallS = (performance.now() - t0) / 1000;
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0);
      const cpuS = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? 0) + Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? 0);
      const status = Number(/Exit status: (\d+)/.exec(stderr)?.[1] ?? code);
      resolve({ wallS, peakMb: kb / 1024, cpuS, code: status, stderr });
    });
  });
}

async function harness(w: Workload, latencyMs: number, n: number, label: string, extra: string[] = []): Promise<Timed & { out: string }> {
  const b = await bot(w.answers, latencyMs);
  const out = join(work, `run-${label}`);
  try {
    const r = await timed(process.execPath, [join(root, 'bin', 'harness.mjs'), 'run', '--bank', bankFile(b.url), '--scenarios-dir', w.scenarios, '--out', out, '--concurrency', '32', '--progress', 'none', ...extra]);
    const lines = existsSync(join(out, 'results.jsonl')) ? readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0;
    if (lines !== n) console.log(`  !! ${label}: ${lines}/${n} conversations journaled, exit ${r.code}\n${r.stderr.split('\n').slice(0, 12).join('\n')}`);
    return { ...r, out };
  } finally {
    b.server.close();
    b.server.closeAllConnections();
  }
}

async function promptfoo(w: Workload, latencyMs: number, bin: string): Promise<Timed> {
  const b = await bot(w.answers, latencyMs);
  const dir = join(work, `promptfoo-${latencyMs}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'promptfooconfig.yaml');
  writeFileSync(
    config,
    stringify({
      description: 'FAQ bot',
      prompts: ['{{question}}'],
      providers: [{ id: b.url, config: { method: 'POST', headers: { 'content-type': 'application/json' }, body: { sessionId: 's', text: '{{prompt}}' }, transformResponse: 'json.reply.text' } }],
      tests: w.tests.map((t) => ({ vars: { question: t.question }, assert: [{ type: 'icontains', value: t.kw }] })),
    }),
  );
  try {
    const [cmd, ...pre] = bin.split(' ');
    return await timed(cmd, [...pre, 'eval', '-c', config, '-j', '32', '--no-cache', '--no-table', '--no-write', '--no-progress-bar'], { ...process.env, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_CONFIG_DIR: dir });
  } finally {
    b.server.close();
    b.server.closeAllConnections();
  }
}

/** Open index.html in Chromium and time it to the load event, and to the first chart drawn. */
async function openInChromium(file: string): Promise<{ loadMs: number; readyMs: number }> {
  const { chromium } = await import('playwright-core');
  const { resolveChromium, chromiumLaunchOptions } = await import('../adapters/web/browser.ts');
  const browser = await chromium.launch({ executablePath: (await resolveChromium()).executablePath, ...chromiumLaunchOptions, headless: true });
  try {
    const page = await browser.newPage();
    const t0 = performance.now();
    await page.goto('file://' + file, { waitUntil: 'load', timeout: 60_000 });
    const loadMs = performance.now() - t0;
    await page.waitForFunction(() => document.readyState === 'complete' && !document.querySelector('[data-pending]'), undefined, { timeout: 60_000 }).catch(() => undefined);
    return { loadMs, readyMs: performance.now() - t0 };
  } finally {
    await browser.close();
  }
}

const pf = process.env.PROMPTFOO;
mkdirSync(work, { recursive: true });
console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start; whole CLI process, start to exit`);
try {
  const w = workload(2000);
  // Warm the on-disk transpile cache once, as a user's second run would be.
  await harness(w, 0, 2000, 'warm');
  let zero: Timed | undefined;
  let slow: Timed | undefined;
  if (want('zero')) {
    zero = await harness(w, 0, 2000, 'zero');
    console.log(`2,000 conversations, 0 ms bot, --concurrency 32: ${zero.wallS.toFixed(2)} s = ${(2000 / zero.wallS).toFixed(0)} conv/s (target ≥1,000/s), peak ${zero.peakMb.toFixed(0)} MB, CPU ${zero.cpuS.toFixed(2)} s`);
  }
  if (want('latency')) {
    slow = await harness(w, 200, 2000, 'latency');
    const ideal = (2000 * 0.2) / 32;
    console.log(`2,000 conversations, 200 ms bot, --concurrency 32: ${slow.wallS.toFixed(2)} s vs ideal ${ideal.toFixed(2)} s → ${(slow.wallS / ideal).toFixed(3)}× (target ≤1.15×), peak ${slow.peakMb.toFixed(0)} MB, CPU ${slow.cpuS.toFixed(2)} s`);
  }
  for (const [part, label] of [['big', '2,000 cases × --repeat 10'], ['bigcases', '20,000 distinct cases in ten packs']] as const) {
    if (!want(part)) continue;
    const r = part === 'big' ? await harness(w, 0, 20_000, part, ['--repeat', '10']) : await harness(workload(20_000), 0, 20_000, part);
    const index = join(r.out, 'index.html');
    const size = existsSync(index) ? statSync(index).size : 0;
    console.log(`20,000 conversations (${label}), 0 ms bot: ${r.wallS.toFixed(1)} s = ${(20_000 / r.wallS).toFixed(0)} conv/s, peak ${r.peakMb.toFixed(0)} MB (target <1,024 MB), index.html ${(size / 1e6).toFixed(2)} MB (target ≤5 MB)`);
    if (size) {
      const o = await openInChromium(index);
      console.log(`  index.html in Chromium: load event ${(o.loadMs / 1000).toFixed(2)} s, ready ${(o.readyMs / 1000).toFixed(2)} s (target ≤2 s)`);
    }
    if (!process.env.E2E_KEEP) rmSync(r.out, { recursive: true, force: true });
  }
  if (pf && want('promptfoo')) {
    if (zero) {
      const p = await promptfoo(w, 0, pf);
      console.log(`promptfoo, same 2,000 tests, 0 ms bot, -j 32: ${p.wallS.toFixed(2)} s = ${(2000 / p.wallS).toFixed(0)} conv/s, exit ${p.code} → harness is ${(p.wallS / zero.wallS).toFixed(1)}× faster (target ≥10×)`);
    }
    if (slow) {
      const p = await promptfoo(w, 200, pf);
      console.log(`promptfoo, 200 ms bot, -j 32: ${p.wallS.toFixed(2)} s = ${(p.wallS / ((2000 * 0.2) / 32)).toFixed(2)}× ideal → harness ${(p.wallS / slow.wallS).toFixed(1)}× faster`);
    }
  }
} finally {
  if (process.env.E2E_KEEP) console.log(`kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
