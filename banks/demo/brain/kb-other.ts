import type { Topic } from './topic.ts';

// Topics outside the eight scenarios: a real bot knows them too, and their
// keywords collide with the scenarios' words ("转账", "密码", "利率").

export const otherTopics: Topic[] = [
  {
    id: 'credit.bill',
    intent: 'credit_card.bill',
    title: '信用卡账单',
    keys: ['信用卡账单 还款日 信用卡&还款 账单', '最低还款 账单分期 信用卡&欠款', '信用卡&多少 信用卡&额度 信用卡&提额'],
    answer: [
      '您可以在手机银行“信用卡”栏目查看本期账单、最低还款额和到期还款日。',
      '+也可以关注我行信用卡微信公众号或拨打信用卡客服热线查询。',
    ],
  },
  {
    id: 'loan.rate',
    intent: 'loan.rate',
    title: '贷款利率',
    keys: ['贷款利率 房贷 贷款', '车贷 消费贷 经营贷 lpr', '借钱 按揭 提前还款'],
    answer: [
      '我行贷款利率根据贷款品种、期限和您的资质确定，以贷款市场报价利率（LPR）为定价基础。',
      '+具体利率请以手机银行贷款页面或网点客户经理的报价为准。',
    ],
  },
  {
    id: 'deposit.rate',
    intent: 'deposit.rate',
    title: '存款利率',
    keys: ['存款利率 定期利率 利息', '定期存款 大额存单 利率', '存定期 存一年 活期利率'],
    answer: [
      '我行存款利率以网点及手机银行公布的最新挂牌利率为准。',
      '+您可以在手机银行“存款”栏目查看各期限定期和大额存单的利率。',
    ],
  },
  {
    id: 'transfer.limit',
    intent: 'transfer.limit',
    title: '转账限额',
    keys: ['转账限额 转账额度 限额', '转不了 转账&上限 转账&多少', '转账&失败 提高额度 调整额度 非柜面'],
    answer: [
      '手机银行转账限额与您使用的安全认证方式有关，可在手机银行“安全中心-限额管理”中查看和调整。',
      '+新开账户或存在风险提示的账户可能设置了非柜面交易限额，如需提高请携带身份证件到网点申请。',
    ],
  },
  {
    id: 'password.reset',
    intent: 'password.reset',
    title: '密码重置',
    keys: ['忘记密码 密码忘 重置密码 密码锁', '密码&锁定 改密码 修改密码 密码错', '密码&不记得 登录不上'],
    answer: [
      '银行卡交易密码遗忘或锁定，请本人携带有效身份证件和银行卡到网点办理密码重置。',
      '+手机银行登录密码可在登录页点击“忘记密码”，通过短信验证码和人脸识别重置。',
    ],
  },
];
