import { chromium } from 'playwright-core';
import pLimit from 'p-limit';
import { chromiumLaunchOptions, resolveChromium } from '../../adapters/web/browser.ts';
import { embeddedBanks } from '../../harness/embedded.ts';

// The least a script can do for one web conversation with the demo bank's
// widget: a new context, open the portal, the launcher, the iframe and its
// privacy notice, type the question, send, wait until the reply is written,
// close the context. `node --import tsx bench/web/minimal.ts N CONCURRENCY`
// runs N of them; the web-cpu bench compares its CPU time with the harness's.

const n = Number(process.argv[2] ?? 20);
const concurrency = Number(process.argv[3] ?? 4);
const questions = ['信用卡丢了怎么办？', '怎么查询账户余额？', '附近的网点几点开门？', '怎么开通手机银行？'];

const bank = await (await embeddedBanks.demo()).start({ latencyMs: 0, jitterMs: 0 }, ['web']);
const browser = await chromium.launch({ executablePath: (await resolveChromium()).executablePath, ...chromiumLaunchOptions, headless: true });
let replies = 0;
try {
  const limit = pLimit(concurrency);
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      limit(async () => {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.goto(bank.vars.web);
          await page.click('#launcher');
          const frame = page.frameLocator('#chat-frame');
          await frame.locator('button.accept').click();
          const bot = frame.locator('.msg.bot');
          const before = await bot.count();
          await frame.locator('textarea.input').fill(questions[i % questions.length]);
          await frame.locator('button.send').click();
          await bot.nth(before).waitFor();
          await frame.locator('.messages:not([aria-busy="true"])').waitFor();
          if ((await bot.nth(before).innerText()).trim()) replies++;
        } finally {
          await context.close();
        }
      }),
    ),
  );
} finally {
  await browser.close();
  await bank.close();
}
console.log(JSON.stringify({ conversations: n, replies }));
