/**
 * Korean names of the PG catalog's own words, which the catalog keeps in English: pay method
 * codes and the labels of the MID field. A code or label not listed here shows as the catalog has
 * it. English shows pay methods as their codes, the value `request_pay` takes.
 */
import type { Lang } from "./i18n.tsx"

const payMethodsKo: Readonly<Record<string, string>> = {
  card: "신용카드",
  trans: "실시간 계좌이체",
  vbank: "가상계좌",
  phone: "휴대폰 소액결제",
  point: "포인트",
  cvs: "편의점 결제",
  kakaopay: "카카오페이",
  naverpay: "네이버페이",
  naverpay_card: "네이버페이 카드",
  naverpay_point: "네이버페이 포인트",
  naverpay_bridge: "네이버페이 브릿지",
  payco: "페이코",
  tosspay: "토스페이",
  tosspay_card: "토스페이 카드",
  tosspay_money: "토스페이 머니",
  toss_brandpay: "토스 브랜드페이",
  samsung: "삼성페이",
  samsungpay: "삼성페이",
  ssgpay: "SSGPAY",
  ssgpay_bank: "SSGPAY 은행계좌",
  lpay: "L.pay",
  skpay: "SK페이",
  applepay: "애플페이",
  cultureland: "컬쳐랜드 문화상품권",
  culturegift: "문화상품권",
  smartculture: "스마트문화상품권",
  booknlife: "도서문화상품권",
  happymoney: "해피머니",
  tmoney: "티머니",
  paypal: "페이팔",
  alipay: "알리페이",
  alipay_plus: "알리페이플러스",
  wechat: "위챗페이",
  tenpay: "텐페이",
  unionpay: "유니온페이",
  amazonpay: "아마존페이",
  paypay: "페이페이",
  rakutenpay: "라쿠텐페이",
  merpay: "메루페이",
  aupay: "au PAY",
  dbarai: "통신사 결제 (일본)",
  econtext: "편의점 결제 (econtext)",
  molpay: "MOLPay",
  pinpay: "PIN 결제"
}

const midLabelsKo: Readonly<Record<string, string>> = {
  "Merchant ID (MID)": "상점 아이디 (MID)",
  "Merchant ID (MID, starts with MII)": "상점 아이디 (MID, MII로 시작)",
  "Merchant ID (MallId)": "상점 아이디 (MallId)",
  "Merchant ID": "상점 아이디",
  "Merchant code (CPID)": "가맹점 코드 (CPID)",
  "Site code": "사이트 코드",
  "Partner ID": "파트너 ID",
  "Service ID": "서비스 ID",
  "Project key": "프로젝트 키",
  "API username": "API 사용자 이름",
  "PayPal merchant (account) ID": "페이팔 가맹점 (계정) ID"
}

/**
 * A pay method as the page shows it: in Korean its name with the code beside it (the code is what
 * `request_pay` and the API take), in English the code.
 */
export const payMethodName = (lang: Lang, code: string): string => {
  const name = lang === "ko" ? payMethodsKo[code] : undefined
  return name === undefined ? code : `${name} (${code})`
}

/** The label of a PG's MID field in the page's language. */
export const midLabel = (lang: Lang, label: string): string => (lang === "ko" ? (midLabelsKo[label] ?? label) : label)
