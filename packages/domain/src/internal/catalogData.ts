/**
 * The built-in PG catalog, from the public PortOne documentation (see PG-CATALOG facts in the
 * docs). Secret markers are a judgement from each field's purpose; shared test MIDs are
 * historical values a host app can override with `PgCatalog.extend`.
 */
import type { PgProviderInput } from "../PgCatalog.ts"

const secret = (name: string, label: string, extra: Partial<PgProviderInput["credentialFields"][number]> = {}) => ({
  name, label, secret: true, required: true, ...extra
})
const plain = (name: string, label: string, extra: Partial<PgProviderInput["credentialFields"][number]> = {}) => ({
  name, label, secret: false, required: true, ...extra
})

const hubEasyPays = ["kakaopay", "naverpay", "samsung", "applepay", "ssgpay", "payco", "tosspay", "lpay"]

export const builtInProviders: ReadonlyArray<PgProviderInput> = [
  {
    code: "html5_inicis", displayName: "KG Inicis", localName: "KG이니시스",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", ...hubEasyPays, "trans", "vbank", "phone", "cultureland", "smartculture", "happymoney", "booknlife"],
      "window.subscription": ["card"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      secret("sign_key", "Web-payment SignKey", { required: ["window.general", "window.subscription"] }),
      secret("iniapi_key", "INIAPI Key", { required: ["api.keyin", "api.subscription"] }),
      secret("iniapi_iv", "INIAPI IV", { required: ["api.keyin", "api.subscription"] }),
      secret("inilite_key", "INILite Key", { required: ["window.subscription"] })
    ],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "INIpayTest" },
      { paymentType: "window.subscription", mid: "INIBillTst" },
      { paymentType: "api.subscription", mid: "INIBillTst" }
    ] },
    notes: ["V1 also needs the Inicis key file registered through the aggregator's support."]
  },
  {
    code: "inicis_unified", displayName: "KG Inicis Unified Authentication", localName: "KG이니시스 통합인증",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { certification: [] },
    credentialFields: [secret("api_key", "apikey")],
    test: { kind: "shared", mids: [] },
    notes: ["Register your service domain, iamport.co and iamport.kr in the Inicis admin.", "Shared test MID not documented."]
  },
  {
    code: "kcp", displayName: "NHN KCP", localName: "NHN KCP",
    mid: { name: "site_code", label: "Site code" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "phone", "cultureland", "smartculture", "booknlife", "happymoney", "payco", "lpay", "kakaopay", "naverpay", "naverpay_bridge", "samsung", "ssgpay", "applepay", "tosspay", "point"],
      "api.keyin": ["card"],
      "api.subscription": ["card"],
      certification: []
    },
    credentialFields: [
      secret("site_key", "Site key"),
      plain("group_id", "Batch group ID", { required: ["api.subscription"], pattern: "^[A-Za-z0-9_-]{1,40}$", patternDescription: "letters, digits, _ or -" })
    ],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "T0000" },
      { paymentType: "window.general", mid: "A52CY", note: "PAYCO hub window" }
    ] },
    notes: ["Hub kakaopay/naverpay have no test mode; test payments are not charged."]
  },
  {
    code: "kcp_billing", displayName: "NHN KCP Recurring", localName: "NHN KCP (정기)",
    mid: { name: "site_code", label: "Site code" },
    payMethods: { "window.subscription": ["card"] },
    credentialFields: [secret("site_key", "Site key"), plain("group_id", "Recurring group ID")],
    test: { kind: "shared", mids: [] },
    notes: ["The console sets the shared test MID automatically; its value is not documented."]
  },
  {
    code: "kcp_quick", displayName: "NHN KCP QuickPay", localName: "NHN KCP 퀵페이",
    mid: { name: "site_code", label: "Site code" },
    payMethods: { "window.simple": ["card", "trans"] },
    credentialFields: [
      secret("site_key", "Site key"),
      plain("partner_type", "Partner type"),
      plain("partner_subtype", "Partner subtype"),
      plain("partner_name", "Partner name")
    ],
    test: { kind: "shared", mids: [] },
    notes: ["The console sets the shared test MID automatically; its value is not documented."]
  },
  ...(["nice", "nice_v2"] as const).map((code): PgProviderInput => ({
    code,
    displayName: code === "nice" ? "NICE Payments (old module)" : "NICE Payments (new module)",
    localName: code === "nice" ? "(구) 나이스정보통신" : "(신) 나이스정보통신",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": code === "nice"
        ? ["card", "trans", "vbank", "phone", "kakaopay"]
        : ["card", "trans", "vbank", "phone", "cultureland", "naverpay_card", "naverpay_point", "kakaopay", "payco", "samsungpay", "skpay", "ssgpay", "ssgpay_bank", "lpay", "applepay", "tosspay_card", "tosspay_money", "alipay"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      secret("merchant_key", "Merchant key"),
      secret("cancel_password", "Cancel password", { maxLength: 10 })
    ],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "iamport00m" },
      { paymentType: "api.keyin", mid: "iamport01m" },
      { paymentType: "api.subscription", mid: "iamport01m" },
      { paymentType: "window.general", mid: "nictest00m", note: "virtual accounts; no deposit notifications" }
    ] },
    notes: ["NH and KB cards and KT phone cannot be tested; test payments auto-cancel daily 23:00-23:50."]
  })),
  {
    code: "tosspayments", displayName: "Toss Payments (new module)", localName: "(신) 토스페이먼츠",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "phone", "booknlife", "smartculture", "cultureland", "kakaopay", "naverpay", "lpay", "samsungpay", "ssgpay", "applepay", "payco", "tosspay"],
      "window.subscription": ["card"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      plain("client_key", "Client key", { pattern: "^[A-Za-z0-9_]{8,80}$", patternDescription: "letters, digits or _" }),
      secret("secret_key", "Secret key")
    ],
    test: { kind: "pg-provided", note: "Use the test keys of the MID that Toss Payments issued to you." },
    notes: ["The Toss API version must be set to 2022-07-27.", "Historical shared MIDs iamporttest_3/iamporttest_4 are not offered."]
  },
  {
    code: "uplus", displayName: "Toss Payments (old module, ex-LG U+)", localName: "(구) 토스페이먼츠",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "phone", "cultureland", "smartculture", "booknlife", "applepay", "tosspay", "naverpay", "kakaopay", "lpay", "payco", "samsung"]
    },
    credentialFields: [secret("mert_key", "Mert key")],
    test: { kind: "pg-provided", note: "Toss family: enter the test MID Toss Payments issued to you." }
  },
  {
    code: "toss_brandpay", displayName: "Toss Payments BrandPay", localName: "토스페이먼츠 브랜드페이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["toss_brandpay"], "window.simple": ["toss_brandpay"] },
    credentialFields: [],
    test: { kind: "pg-provided", note: "Toss-issued test store information is required." },
    notes: ["Credential fields are not documented; extend the catalog with the fields Toss issues."]
  },
  {
    code: "tosspay", displayName: "Toss Pay", localName: "토스페이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.simple": ["card"] },
    credentialFields: [secret("api_key", "API key")],
    test: { kind: "pg-provided", note: "Toss family: enter the test MID Toss issued to you." }
  },
  {
    code: "tosspay_v2", displayName: "Toss Pay (general/recurring)", localName: "토스페이 (일반/정기)",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.simple": ["tosspay", "tosspay_card", "tosspay_money"],
      "window.subscription": ["tosspay"],
      "api.subscription": ["tosspay"]
    },
    credentialFields: [secret("api_key", "API key")],
    test: { kind: "pg-provided", note: "Toss family: enter the test MID Toss issued to you." }
  },
  {
    code: "kakaopay", displayName: "Kakao Pay", localName: "카카오페이",
    mid: { name: "cid", label: "CID" },
    payMethods: { "window.simple": ["card", "kakaopay"], "window.subscription": ["card", "kakaopay"], "api.subscription": ["card", "kakaopay"] },
    credentialFields: [],
    test: { kind: "shared", mids: [
      { paymentType: "window.simple", mid: "TC0ONETIME" },
      { paymentType: "window.subscription", mid: "TCSUBSCRIP" },
      { paymentType: "api.subscription", mid: "TCSUBSCRIP" }
    ] },
    notes: ["pay_method is ignored by Kakao Pay: the user picks card or KakaoMoney in the app."]
  },
  {
    code: "naverpay", displayName: "Naver Pay (payment type)", localName: "네이버페이 결제형",
    mid: { name: "partner_id", label: "Partner ID" },
    payMethods: { "window.simple": ["card", "naverpay"], "window.subscription": ["card", "naverpay"], "api.subscription": ["card", "naverpay"] },
    credentialFields: [
      plain("client_id", "Client ID"),
      secret("client_secret", "Client secret"),
      plain("chain_id", "Chain ID", { required: false }),
      secret("settlement_api_key", "Settlement API key", { required: false })
    ],
    test: { kind: "pg-provided", note: "Naver Pay offers no shared test credentials: use your own Naver credentials in test mode." }
  },
  {
    code: "naverco", displayName: "Naver Pay (order type)", localName: "네이버페이 주문형",
    mid: { name: "partner_id", label: "Partner ID" },
    payMethods: { "window.simple": ["card", "naverpay"] },
    credentialFields: [secret("certi_key", "Merchant auth key (certiKey)")],
    test: { kind: "pg-provided", note: "Naver Pay offers no shared test credentials: use your own Naver credentials in test mode." }
  },
  {
    code: "payco", displayName: "PAYCO", localName: "페이코",
    mid: { name: "cpid", label: "Merchant code (CPID)" },
    payMethods: { "window.simple": ["card", "trans", "vbank"], "window.subscription": ["card"] },
    credentialFields: [plain("product_id", "Product ID"), secret("seller_key", "Seller key")],
    test: { kind: "shared", mids: [
      { paymentType: "window.simple", mid: "PARTNERTEST" },
      { paymentType: "window.subscription", mid: "AUTOPAY" }
    ] }
  },
  {
    code: "smilepay", displayName: "Smile Pay", localName: "스마일페이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.simple": ["card"], "window.subscription": ["card"] },
    credentialFields: [],
    test: { kind: "shared", mids: [] },
    notes: ["Credential fields and the shared test MID are not documented; extend the catalog."]
  },
  {
    code: "danal", displayName: "Danal (phone billing / identity verification)", localName: "다날 휴대폰결제/본인인증",
    mid: { name: "cpid", label: "CPID" },
    payMethods: { "window.general": ["phone"], "window.subscription": ["phone"], "api.subscription": ["phone"], certification: [] },
    credentialFields: [secret("cp_pwd", "CPPWD"), plain("item_code", "Item code", { required: false })],
    test: { kind: "shared", mids: [] },
    notes: ["SMS identity verification has no test mode."]
  },
  {
    code: "danal_tpay", displayName: "Danal (Tpay window)", localName: "다날",
    mid: { name: "cpid", label: "CPID" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "cultureland", "happymoney"],
      "window.subscription": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      secret("cp_pwd", "CPPWD (gift certificates only)", { required: false }),
      secret("card_encryption_key", "Card encryption key"),
      secret("bank_encryption_key", "Transfer / virtual-account encryption key", { required: false })
    ],
    test: { kind: "shared", mids: [] },
    notes: ["No test MID for trans/vbank; test payments auto-cancel before midnight."]
  },
  {
    code: "daou", displayName: "Kiwoom Pay (ex-PayJoa / Daou Data)", localName: "키움페이",
    mid: { name: "cpid", label: "CPID" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "kakaopay", "naverpay", "payco", "samsung", "applepay", "cultureland", "smartculture", "booknlife", "phone"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [secret("integration_key", "Integration key")],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "CTS17362" },
      { paymentType: "api.subscription", mid: "CTS17266" },
      { paymentType: "api.keyin", mid: "CTS16628", note: "card number + expiry" },
      { paymentType: "api.keyin", mid: "CTS16629", note: "card number + password + expiry + birth date" }
    ] },
    notes: ["Test payments are real charges, auto-cancelled 23:00-23:50."]
  },
  {
    code: "kicc", displayName: "EasyPay (KICC)", localName: "이지페이(KICC)",
    mid: { name: "mid", label: "Merchant ID" },
    payMethods: { "window.general": ["card", "trans", "vbank", "phone"], "window.subscription": ["card"], "api.subscription": ["card"] },
    credentialFields: [],
    test: { kind: "shared", mids: [] },
    notes: ["The console fills in the shared test MID; its value is not documented."]
  },
  {
    code: "ksnet", displayName: "KSNET", localName: "KSNET",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "vbank", "trans", "phone", "lpay", "ssgpay", "kakaopay", "naverpay", "payco"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [secret("api_key", "API key")],
    test: { kind: "shared", mids: [{ paymentType: "window.general", mid: "2999199999" }] },
    notes: ["KSNET must set the virtual-account notify URL; never deposit into a test virtual account."]
  },
  {
    code: "mobilians", displayName: "KG Financial (ex-KG Mobilians)", localName: "KG파이낸셜",
    mid: { name: "service_id", label: "Service ID" },
    payMethods: { "window.general": ["card", "phone"], "window.subscription": ["phone", "card"] },
    credentialFields: [
      secret("integration_key", "Integration key (new module)", { required: false }),
      plain("recurring_service_id", "Recurring service ID", { required: ["window.subscription"] })
    ],
    test: { kind: "shared", mids: [] },
    notes: ["Test payments are real charges, auto-cancelled 23:00-23:50."]
  },
  {
    code: "settle", displayName: "Hecto Financial (ex-Settlebank)", localName: "헥토파이낸셜",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "trans", "vbank", "phone"], "api.keyin": ["card"], "api.subscription": ["card"] },
    credentialFields: [secret("license_key", "License key (hash key)"), secret("encryption_key", "Encryption key")],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "nxca_jt_il" },
      { paymentType: "api.keyin", mid: "nxca_jt_bi" },
      { paymentType: "api.subscription", mid: "nxca_jt_bi" }
    ] }
  },
  {
    code: "settle_acc", displayName: "Hecto My-Account Pay", localName: "헥토파이낸셜 내통장결제",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["trans"], "window.subscription": ["trans"] },
    credentialFields: [secret("license_key", "Encryption key (= license key)")],
    test: { kind: "unavailable", note: "Test payments are not supported; a real contract is needed." }
  },
  {
    code: "smartro", displayName: "Smartro (old module)", localName: "(구) 스마트로",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "trans", "vbank"] },
    credentialFields: [secret("merchant_key", "Merchant key"), secret("cancel_password", "Cancel password", { maxLength: 6 })],
    test: { kind: "shared", mids: [] },
    notes: ["The old console turned test mode on without a documented MID."]
  },
  {
    code: "smartro_v2", displayName: "Smartro (new module)", localName: "(신) 스마트로",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "phone", "lpay", "kakaopay", "naverpay", "payco", "pinpay"],
      "window.subscription": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      secret("merchant_key", "Merchant key"),
      secret("cancel_password", "Cancel password", { maxLength: 6 }),
      plain("ssp_mall_id", "SSP Mall ID", { required: ["window.subscription", "api.subscription"] }),
      secret("api_key", "API key (escrow)", { required: false })
    ],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "t_2302141m" },
      { paymentType: "window.general", mid: "t_2302165m", note: "escrow" },
      { paymentType: "window.subscription", mid: "t_2302142m" },
      { paymentType: "api.subscription", mid: "t_2302142m" },
      { paymentType: "window.general", mid: "t_2302161m", note: "foreign cards" }
    ] }
  },
  {
    code: "welcome", displayName: "Welcome Payments", localName: "웰컴페이먼츠",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "phone", "culturegift", "lpay", "kakaopay", "payco", "tosspay", "naverpay"],
      "window.subscription": ["card"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [secret("sign_key", "Sign key"), secret("field_encryption_iv", "Field-encryption IV"), secret("field_encryption_key", "Field-encryption key")],
    test: { kind: "shared", mids: [
      { paymentType: "window.general", mid: "welcometst" },
      { paymentType: "window.subscription", mid: "wpaybill01" },
      { paymentType: "api.subscription", mid: "wpaybill01" }
    ] }
  },
  {
    code: "paypal", displayName: "PayPal Express Checkout (old)", localName: "(구) 페이팔",
    mid: { name: "api_username", label: "API username" },
    payMethods: { "window.general": ["card"] },
    credentialFields: [secret("api_password", "API password"), secret("signature", "Signature")],
    test: { kind: "pg-provided", note: "Create your own PayPal sandbox seller; the buyer must be a US account." }
  },
  {
    code: "paypal_v2", displayName: "PayPal SPB / RT", localName: "(신) 페이팔",
    mid: { name: "account_id", label: "PayPal merchant (account) ID" },
    payMethods: { "window.general": ["paypal"], "window.subscription": ["paypal"], "api.subscription": ["paypal"] },
    credentialFields: [],
    test: { kind: "pg-provided", note: "Use a PayPal sandbox seller account ID; the buyer sandbox account is your own." }
  },
  {
    code: "eximbay", displayName: "Eximbay", localName: "엑심베이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "alipay", "unionpay", "tenpay", "vbank", "wechat", "molpay"] },
    credentialFields: [secret("secret_key", "Secret key")],
    test: { kind: "shared", mids: [] },
    notes: ["The console fills in the shared test MID; Eximbay test cards are required."]
  },
  {
    code: "paymentwall", displayName: "Paymentwall", localName: "페이먼트월",
    mid: { name: "project_key", label: "Project key" },
    payMethods: { "window.general": ["card"], "window.subscription": ["card"], "api.keyin": ["card"], "api.subscription": ["card"] },
    credentialFields: [secret("secret_key", "Secret key")],
    test: { kind: "unavailable", note: "No shared test project: payments are real charges, cancel them afterwards." }
  },
  {
    code: "inicis_jp", displayName: "KG Inicis Japan", localName: "KG이니시스(일본)",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "cvs", "paypay", "amazonpay", "rakutenpay", "merpay", "aupay", "dbarai"] },
    credentialFields: [
      secret("iniapi_key", "INIAPI key"),
      plain("cbt_type", "CBT type", { pattern: "^(JPPG|SBPS)$", patternDescription: "JPPG or SBPS" })
    ],
    test: { kind: "shared", mids: [] },
    notes: ["JPY only. SBPS supports card and paypay only."]
  },
  {
    code: "bluewalnut", displayName: "BlueWalnut", localName: "블루월넛",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "trans", "vbank", "phone"] },
    credentialFields: [],
    test: { kind: "shared", mids: [] },
    notes: ["Credential fields are not documented; the old console turned test mode on without a MID."]
  }
]
