/**
 * Korean names of the PG catalog's own words, which the catalog keeps in English: pay method
 * codes, the labels of the MID and credential fields and their pattern descriptions. A code or
 * label not listed here shows as the catalog has it (names the PG itself uses, such as SignKey or
 * CPPWD, stay as they are). English shows pay methods as their codes, the value `request_pay` takes.
 */
import type { ChannelTerms } from "@paymux/domain"
import type { Lang } from "./i18n.tsx"

// Keyed by the domain's list of known pay methods, so a code added there without a Korean name
// (or a name here for a code the domain does not know) fails to compile.
const payMethodsKo: Readonly<Record<ChannelTerms.KnownPayMethod, string>> = {
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

export const labelsKo: Readonly<Record<string, string>> = {
  // MID fields
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
  "PayPal merchant (account) ID": "페이팔 가맹점 (계정) ID",
  // Credential fields
  "Web-payment SignKey": "웹 결제 SignKey",
  "INIAPI Key (open-market receipt API only)": "INIAPI Key (오픈마켓 영수증 API 전용)",
  "INIAPI IV (open-market receipt API only)": "INIAPI IV (오픈마켓 영수증 API 전용)",
  "SEEDKEY (card identity verification)": "SEEDKEY (카드 본인인증)",
  "SEEDIV (card identity verification)": "SEEDIV (카드 본인인증)",
  "DI_CODE (card identity verification; blank if not on the contract)": "DI_CODE (카드 본인인증, 계약에 없으면 비워 두세요)",
  "Site key": "사이트 키",
  "Batch group ID": "배치 그룹 ID",
  "Recurring group ID": "정기결제 그룹 ID",
  "Partner type": "파트너 유형",
  "Partner subtype": "파트너 세부 유형",
  "Partner name": "파트너 이름",
  "Merchant key": "상점 키",
  "Merchant key (상점 Key)": "상점 Key",
  "Cancel password": "취소 비밀번호",
  "Client key": "클라이언트 키",
  "Secret key": "시크릿 키",
  "API key": "API 키",
  "API key (escrow)": "API 키 (에스크로)",
  "Client ID": "클라이언트 ID",
  "Client secret": "클라이언트 시크릿",
  "Chain ID": "체인 ID",
  "Merchant auth key (certiKey)": "가맹점 인증 키 (certiKey)",
  "Product ID": "상품 ID",
  "Seller key": "판매자 키",
  "Item code": "상품 코드",
  "CPPWD (gift certificates only)": "CPPWD (상품권 전용)",
  "Card encryption key": "카드 암호화 키",
  "Transfer / virtual-account encryption key": "계좌이체 / 가상계좌 암호화 키",
  "Integration key": "연동 키",
  "Integration key (new module)": "연동 키 (신규 모듈)",
  "MID (issued besides the CPID)": "MID (CPID와 별도로 발급)",
  "Recurring service ID": "정기결제 서비스 ID",
  "License key (hash key)": "라이선스 키 (해시 키)",
  "Encryption key": "암호화 키",
  "Encryption key (= license key)": "암호화 키 (= 라이선스 키)",
  "SSP Mall ID": "SSP 상점 ID",
  "Sign key": "서명 키",
  "Field-encryption IV": "필드 암호화 IV",
  "Field-encryption key": "필드 암호화 키",
  "API password": "API 비밀번호",
  Signature: "서명 (Signature)",
  "CBT type": "CBT 유형",
  Key: "키",
  "Encryption/decryption key (암복호화 키)": "암복호화 키",
  // Names the PG itself uses, kept as they are
  "INILite Key": "INILite Key",
  "INIAPI Key": "INIAPI Key",
  "INIAPI key": "INIAPI key",
  "INIAPI IV": "INIAPI IV",
  apikey: "apikey",
  "Mert key": "Mert key",
  "ENC key": "ENC key",
  CPPWD: "CPPWD",
  CID: "CID",
  CPID: "CPID",
  IV: "IV",
  // Pattern descriptions
  "JPPG or SBPS": "JPPG 또는 SBPS",
  "exactly 12 characters": "정확히 12자",
  "letters, digits or _": "영문, 숫자 또는 _",
  "letters, digits, _ or -": "영문, 숫자, _ 또는 -"
}

/**
 * A pay method as the page shows it: in Korean its name with the code beside it (the code is what
 * `request_pay` and the API take), in English the code.
 */
export const payMethodName = (lang: Lang, code: string): string => {
  const name = lang === "ko" && Object.hasOwn(payMethodsKo, code) ? payMethodsKo[code as ChannelTerms.KnownPayMethod] : undefined
  return name === undefined ? code : `${name} (${code})`
}

/** A label of the catalog (a MID or credential field's, or a pattern's description) in the page's language. */
export const catalogLabel = (lang: Lang, label: string): string => (lang === "ko" ? (labelsKo[label] ?? label) : label)
