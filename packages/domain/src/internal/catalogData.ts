/**
 * The built-in PG catalog, from PortOne's public help-centre pages and developer docs. Every
 * provider names its sources, and every shared test MID the page it was read from. Values from the
 * help centre (HELP) were re-read from `portone-io/mcp-server` on the `checked` date; values only
 * in the developer docs (DEV) or their 2024 pages (HIST) were checked by the December 2026 audit.
 * Secret markers are a judgement from each field's purpose. A host app overrides any value with
 * `PgCatalog.extend`.
 */
import type { PgProviderInput } from "../PgCatalog.ts"

type Field = PgProviderInput["credentialFields"][number]
type Source = NonNullable<PgProviderInput["sources"]>[number]
type Mid = Extract<PgProviderInput["test"], { kind: "shared" }>["mids"][number]

const secret = (name: string, label: string, extra: Partial<Field> = {}): Field => ({ name, label, secret: true, required: true, ...extra })
const plain = (name: string, label: string, extra: Partial<Field> = {}): Field => ({ name, label, secret: false, required: true, ...extra })

const HELP = (page: string): Source => ({
  repo: "portone-io/mcp-server",
  path: `assets/docs/help/core-service/channel-setting/${page}.md`,
  checked: "2026-12-05"
})
const DEV = (path: string): Source => ({
  repo: "portone-io/developers.portone.io",
  path: `src/routes/(root)/${path}`,
  checked: "2026-12-01"
})
const HIST = (page: string): Source => ({
  repo: "portone-io/developers.portone.io@808846ff",
  path: `src/content/docs/ko/ready/2-pg/payment-gateway/${page}.mdx`,
  checked: "2026-12-01"
})
/** The V1 code table, the payment-type descriptions and the billing-key table every entry relies on. */
const CODES = DEV("opi/ko/support/code-info/pg-2.mdx")
const TYPES = DEV("sdk/ko/v1-sdk/javascript-sdk/payrq.mdx")
const BILLING = DEV("opi/ko/support/code-info/pg.mdx")
const V1 = (page: string): Source => DEV(`opi/ko/integration/pg/v1/${page}.mdx`)

const mid = (paymentType: Mid["paymentType"], value: string, source: Source, extra: Partial<Mid> = {}): Mid => ({
  paymentType,
  mid: value,
  source,
  ...extra
})

const hubEasyPays = ["kakaopay", "naverpay", "samsung", "applepay", "ssgpay", "payco", "tosspay", "lpay"]

/** Test payments that are real charges, cancelled by the PG the same night. */
const nightlyCancel = "Test payments are real charges, cancelled automatically between 23:00 and 23:50."

export const builtInProviders: ReadonlyArray<PgProviderInput> = [
  {
    code: "html5_inicis",
    displayName: "KG Inicis",
    localName: "KG이니시스",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", ...hubEasyPays, "trans", "vbank", "phone", "cultureland", "smartculture", "happymoney", "booknlife"],
      "window.subscription": ["card"]
    },
    credentialFields: [
      secret("sign_key", "Web-payment SignKey"),
      secret("inilite_key", "INILite Key", { required: ["window.subscription"] }),
      secret("iniapi_key", "INIAPI Key (open-market receipt API only)", { required: false }),
      secret("iniapi_iv", "INIAPI IV (open-market receipt API only)", { required: false })
    ],
    test: {
      kind: "shared",
      mids: [mid("window.general", "INIpayTest", HELP("inicis")), mid("window.subscription", "INIBillTst", HELP("inicis"))]
    },
    testNotes: [nightlyCancel, "KB Kookmin cards (and KB-family cards such as Kakao Bank) cannot be tested."],
    notes: [
      "V1 also needs the Inicis key file registered through the aggregator's support.",
      "API key-in and API billing belong to the legacy code inicis."
    ],
    sources: [HELP("inicis"), CODES, TYPES, BILLING]
  },
  {
    code: "inicis",
    displayName: "KG Inicis (legacy API)",
    localName: "(구) KG이니시스",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "api.keyin": ["card"], "api.subscription": ["card"], certification: [] },
    credentialFields: [
      // "Enter INIAPI Key and IV depending on the case" (ready/readme): never required.
      secret("iniapi_key", "INIAPI Key", { required: false }),
      secret("iniapi_iv", "INIAPI IV", { required: false }),
      secret("seed_key", "SEEDKEY (card identity verification)", { required: ["certification"] }),
      secret("seed_iv", "SEEDIV (card identity verification)", { required: ["certification"] }),
      plain("di_code", "DI_CODE (card identity verification; blank if not on the contract)", {
        required: false,
        pattern: "^.{12}$",
        patternDescription: "exactly 12 characters"
      })
    ],
    test: {
      kind: "shared",
      mids: [
        mid("api.keyin", "INIpayTest", HELP("inicis"), { note: "API general payments" }),
        mid("api.subscription", "INIBillTst", HELP("inicis"), { note: "API billing" })
      ],
      untested: [
        {
          paymentType: "certification",
          note: "No shared test MID for card identity verification is documented; test with the MID Inicis issues.",
          source: DEV("opi/ko/integration/ready/readme.mdx")
        }
      ]
    },
    testNotes: [nightlyCancel],
    notes: ["Card identity verification takes no new contracts since 2021-11-22."],
    sources: [CODES, TYPES, DEV("opi/ko/integration/ready/readme.mdx"), HELP("inicis")]
  },
  {
    code: "inicis_unified",
    displayName: "KG Inicis Unified Authentication",
    localName: "KG이니시스 통합인증",
    mid: { name: "mid", label: "Merchant ID (MID, starts with MII)" },
    payMethods: { certification: [] },
    credentialFields: [secret("api_key", "apikey")],
    test: { kind: "shared", mids: [mid("certification", "MIIiasTest", HELP("inicis"))] },
    notes: ["Register your service domain, iamport.co and iamport.kr in the Inicis admin."],
    sources: [HELP("inicis"), CODES]
  },
  {
    code: "kcp",
    displayName: "NHN KCP",
    localName: "NHN KCP",
    mid: { name: "site_code", label: "Site code" },
    payMethods: {
      "window.general": [
        "card",
        "trans",
        "vbank",
        "phone",
        "cultureland",
        "smartculture",
        "booknlife",
        "happymoney",
        "payco",
        "lpay",
        "kakaopay",
        "naverpay",
        "naverpay_bridge",
        "samsung",
        "ssgpay",
        "applepay",
        "tosspay",
        "point"
      ],
      "api.keyin": ["card"],
      "api.subscription": ["card"],
      certification: []
    },
    credentialFields: [
      secret("site_key", "Site key"),
      plain("group_id", "Batch group ID", {
        required: ["api.subscription"],
        pattern: "^[A-Za-z0-9_-]{1,40}$",
        patternDescription: "letters, digits, _ or -"
      })
    ],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "AO09C", HELP("kcp_channel")),
        mid("window.general", "AO0Q9", HELP("kcp_channel"), { payMethods: ["payco"], note: "PAYCO hub window" }),
        mid("api.subscription", "A52LD", HELP("kcp_channel"))
      ],
      untested: [
        {
          paymentType: "api.keyin",
          note: "The help centre offers AO09C for the payment window and A52LD for API billing, but no key-in test MID: enter the site code KCP gives you.",
          source: HELP("kcp_channel")
        },
        {
          paymentType: "certification",
          note: "NHN KCP gives no identity-verification test credentials: test with your contracted site code.",
          source: HELP("kcp_channel")
        }
      ]
    },
    testNotes: ["Test payments are not charged.", "Hub kakaopay and naverpay cannot be tested."],
    notes: ["T0000 and A52CY were the 2024 shared MIDs; T0000 and A52Q7 belong to the V2 module."],
    sources: [HELP("kcp_channel"), CODES, TYPES, BILLING]
  },
  {
    code: "kcp_billing",
    displayName: "NHN KCP Recurring",
    localName: "NHN KCP (정기)",
    mid: { name: "site_code", label: "Site code" },
    payMethods: { "window.subscription": ["card"] },
    credentialFields: [secret("site_key", "Site key"), plain("group_id", "Recurring group ID")],
    test: { kind: "shared", mids: [mid("window.subscription", "A52LD", HELP("kcp_channel"))] },
    testNotes: ["Test payments are not charged."],
    sources: [HELP("kcp_channel"), CODES]
  },
  {
    code: "kcp_quick",
    displayName: "NHN KCP QuickPay",
    localName: "NHN KCP 퀵페이",
    mid: { name: "site_code", label: "Site code" },
    payMethods: { "window.simple": ["card", "trans"] },
    credentialFields: [
      secret("site_key", "Site key"),
      plain("partner_type", "Partner type"),
      plain("partner_subtype", "Partner subtype"),
      plain("partner_name", "Partner name")
    ],
    test: {
      kind: "shared",
      mids: [],
      untested: [
        {
          paymentType: "window.simple",
          note: "No shared QuickPay test MID is published: enter the test site code KCP gives you.",
          source: CODES
        }
      ]
    },
    sources: [CODES, TYPES]
  },
  ...(["nice", "nice_v2"] as const).map(
    (code): PgProviderInput => ({
      code,
      displayName: code === "nice" ? "NICE Payments (old module)" : "NICE Payments (new module)",
      localName: code === "nice" ? "(구) 나이스정보통신" : "(신) 나이스정보통신",
      mid: { name: "mid", label: "Merchant ID (MID)" },
      payMethods: {
        "window.general":
          code === "nice"
            ? ["card", "trans", "vbank", "phone", "kakaopay"]
            : [
                "card",
                "trans",
                "vbank",
                "phone",
                "cultureland",
                "naverpay_card",
                "naverpay_point",
                "kakaopay",
                "payco",
                "samsungpay",
                "skpay",
                "ssgpay",
                "ssgpay_bank",
                "lpay",
                "applepay",
                "tosspay_card",
                "tosspay_money",
                "alipay"
              ],
        // The non-authenticated (billing-key) window of the new module takes Naver Pay and Kakao Pay only.
        ...(code === "nice_v2" ? { "window.subscription": ["naverpay_card", "naverpay_point", "kakaopay"] } : {}),
        "api.keyin": ["card"],
        "api.subscription": ["card"]
      },
      credentialFields: [secret("merchant_key", "Merchant key"), secret("cancel_password", "Cancel password", { maxLength: 10 })],
      test: {
        kind: "shared",
        mids: [
          mid("window.general", "iamport00m", HELP("nice")),
          mid("window.general", code === "nice" ? "iamport02m" : "iamport03m", HELP("nice"), {
            payMethods: ["vbank"],
            note: "virtual accounts"
          }),
          ...(code === "nice_v2"
            ? [mid("window.subscription", "iamport01m", HIST("nice"), { note: "the billing MID of the 2024 pages" })]
            : []),
          mid("api.keyin", "iamport01m", HELP("nice")),
          mid("api.subscription", "iamport01m", HIST("nice"))
        ]
      },
      testNotes: [
        nightlyCancel,
        "NH and KB cards and KT phone billing cannot be tested.",
        "Partial cancellations are not reflected in test mode: test full cancellations only."
      ],
      notes: ["nictest00m, the older virtual-account MID, never sends deposit notifications."],
      sources: [HELP("nice"), CODES, BILLING, V1(code === "nice" ? "nice" : "nice-v2/readme")]
    })
  ),
  {
    code: "tosspayments",
    displayName: "Toss Payments (new module)",
    localName: "(신) 토스페이먼츠",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": [
        "card",
        "trans",
        "vbank",
        "phone",
        "booknlife",
        "smartculture",
        "cultureland",
        "kakaopay",
        "naverpay",
        "lpay",
        "samsungpay",
        "ssgpay",
        "applepay",
        "payco",
        "tosspay"
      ],
      "window.subscription": ["card"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      plain("client_key", "Client key", { pattern: "^[A-Za-z0-9_]{8,80}$", patternDescription: "letters, digits or _" }),
      secret("secret_key", "Secret key")
    ],
    test: { kind: "pg-provided", note: "Toss family: use the test keys of the MID Toss Payments issued to you." },
    testNotes: ["Most easy pays (SSGPAY, Naver Pay, Kakao Pay, PAYCO, ...) cannot be tested: the window refuses them."],
    notes: [
      "The Toss API version must be set to 2022-07-27.",
      "The help centre also lists shared MIDs iamporttest_3 (general, key-in) and iamporttest_4 (billing); add them with PgCatalog.extend if you use them."
    ],
    sources: [HELP("tosspayments"), CODES, TYPES, V1("newtoss/warning")]
  },
  {
    code: "uplus",
    displayName: "Toss Payments (old module, ex-LG U+)",
    localName: "(구) 토스페이먼츠",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": [
        "card",
        "trans",
        "vbank",
        "phone",
        "cultureland",
        "smartculture",
        "booknlife",
        "applepay",
        "tosspay",
        "naverpay",
        "kakaopay",
        "lpay",
        "payco",
        "samsung"
      ]
    },
    credentialFields: [secret("mert_key", "Mert key")],
    test: { kind: "pg-provided", note: "Toss family: enter the test MID Toss Payments issued to you." },
    notes: ["The help centre lists tlgdacomxpay as a shared window MID."],
    sources: [HELP("tosspayments"), CODES]
  },
  {
    code: "toss_brandpay",
    displayName: "Toss Payments BrandPay",
    localName: "토스페이먼츠 브랜드페이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["toss_brandpay"], "window.simple": ["toss_brandpay"] },
    credentialFields: [],
    test: { kind: "pg-provided", note: "Toss-issued test store information is required." },
    notes: ["Credential fields are not documented; extend the catalog with the fields Toss issues."],
    sources: [CODES, TYPES]
  },
  {
    code: "tosspay",
    displayName: "Toss Pay",
    localName: "토스페이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.simple": ["card"] },
    credentialFields: [secret("api_key", "API key")],
    test: { kind: "pg-provided", note: "Toss family: enter the test MID Toss issued to you." },
    notes: ["The help centre lists tosstest as a shared test MID."],
    sources: [HELP("tosspay"), CODES]
  },
  {
    code: "tosspay_v2",
    displayName: "Toss Pay (general/recurring)",
    localName: "토스페이 (일반/정기)",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.simple": ["tosspay", "tosspay_card", "tosspay_money"],
      "window.subscription": ["tosspay"]
    },
    credentialFields: [secret("api_key", "API key")],
    test: { kind: "pg-provided", note: "Toss family: enter the test MID Toss issued to you." },
    notes: ["The help centre lists tosstest as a shared test MID."],
    sources: [HELP("tosspay"), CODES, BILLING]
  },
  {
    code: "kakaopay",
    displayName: "Kakao Pay",
    localName: "카카오페이",
    mid: { name: "cid", label: "CID" },
    payMethods: { "window.simple": ["card", "kakaopay"], "window.subscription": ["card", "kakaopay"] },
    credentialFields: [],
    test: {
      kind: "shared",
      mids: [mid("window.simple", "TC0ONETIME", HELP("kakaopay")), mid("window.subscription", "TCSUBSCRIP", HELP("kakaopay"))]
    },
    testNotes: ["KB Kookmin cards cannot be used in test mode."],
    notes: ["pay_method is ignored by Kakao Pay: the user picks card or KakaoMoney in the app."],
    sources: [HELP("kakaopay"), CODES, BILLING]
  },
  {
    code: "naverpay",
    displayName: "Naver Pay (payment type)",
    localName: "네이버페이 결제형",
    mid: { name: "partner_id", label: "Partner ID" },
    payMethods: { "window.simple": ["card", "naverpay"], "window.subscription": ["card", "naverpay"] },
    credentialFields: [plain("client_id", "Client ID"), secret("client_secret", "Client secret"), plain("chain_id", "Chain ID")],
    test: {
      kind: "pg-provided",
      note: "Naver Pay: test with partner ID naverpay-partner and your own development Client ID, Client secret and Chain ID."
    },
    notes: ["General and recurring payments use one channel."],
    sources: [HELP("naverpay"), CODES, BILLING]
  },
  {
    code: "naverco",
    displayName: "Naver Pay (order type)",
    localName: "네이버페이 주문형",
    mid: { name: "partner_id", label: "Partner ID" },
    payMethods: { "window.simple": ["card", "naverpay"] },
    credentialFields: [secret("certi_key", "Merchant auth key (certiKey)")],
    test: { kind: "pg-provided", note: "Naver Pay offers no shared test credentials: use your own Naver credentials in test mode." },
    sources: [CODES, TYPES]
  },
  {
    code: "payco",
    displayName: "PAYCO",
    localName: "페이코",
    mid: { name: "cpid", label: "Merchant code (CPID)" },
    payMethods: { "window.simple": ["card", "trans", "vbank"], "window.subscription": ["card"] },
    credentialFields: [plain("product_id", "Product ID"), secret("seller_key", "Seller key")],
    test: {
      kind: "shared",
      mids: [mid("window.simple", "PARTNERTEST", HELP("payco")), mid("window.subscription", "AUTOPAY", HELP("payco"))]
    },
    testNotes: [
      "Test payments are not charged.",
      "Test with the PAYCO development app (remove the store app first); payment limits cannot be tested."
    ],
    sources: [HELP("payco"), CODES]
  },
  {
    code: "smilepay",
    displayName: "Smile Pay",
    localName: "스마일페이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.simple": ["card"], "window.subscription": ["card"] },
    credentialFields: [secret("merchant_key", "Merchant key (상점 Key)"), secret("enc_key", "ENC key")],
    test: {
      kind: "shared",
      mids: [mid("window.simple", "cnstest25m", HELP("smilepay"))],
      untested: [
        {
          paymentType: "window.subscription",
          note: "The help centre offers cnstest25m for general payments only.",
          source: HELP("smilepay")
        }
      ]
    },
    sources: [HELP("smilepay"), CODES]
  },
  {
    code: "danal",
    displayName: "Danal (phone billing / identity verification)",
    localName: "다날 휴대폰결제/본인인증",
    mid: { name: "cpid", label: "CPID" },
    payMethods: { "window.general": ["phone"], "window.subscription": ["phone"], "api.subscription": ["phone"], certification: [] },
    credentialFields: [secret("cp_pwd", "CPPWD"), plain("item_code", "Item code", { required: false })],
    test: {
      kind: "shared",
      mids: [mid("window.general", "A010002002", HELP("danal"), { note: "phone billing" })],
      untested: [
        {
          paymentType: "window.subscription",
          note: "No shared test MID for recurring phone billing is documented.",
          source: HELP("danal")
        },
        { paymentType: "api.subscription", note: "No shared test MID for recurring phone billing is documented.", source: HELP("danal") },
        {
          paymentType: "certification",
          note: "Danal gives no identity-verification test credentials: test with your contracted CPID.",
          source: HELP("danal")
        }
      ]
    },
    testNotes: ["Test payments are real charges, cancelled by Danal before midnight."],
    sources: [HELP("danal"), CODES]
  },
  {
    code: "danal_tpay",
    displayName: "Danal (Tpay window)",
    localName: "다날",
    mid: { name: "cpid", label: "CPID" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "cultureland", "happymoney"],
      "window.subscription": ["card"]
    },
    credentialFields: [
      secret("cp_pwd", "CPPWD (gift certificates only)", { required: false }),
      secret("card_encryption_key", "Card encryption key"),
      secret("bank_encryption_key", "Transfer / virtual-account encryption key", { required: false })
    ],
    test: {
      kind: "shared",
      mids: [mid("window.general", "9810030929", HELP("danal")), mid("window.subscription", "9810030929", HELP("danal"))]
    },
    testNotes: [
      "Test payments are real charges, cancelled by Danal before midnight.",
      "Bank transfer and virtual accounts cannot be tested.",
      "Partial cancellation cannot be tested."
    ],
    sources: [HELP("danal"), CODES, BILLING]
  },
  {
    code: "daou",
    displayName: "Kiwoom Pay (ex-PayJoa / Daou Data)",
    localName: "키움페이",
    mid: { name: "cpid", label: "CPID" },
    payMethods: {
      "window.general": [
        "card",
        "trans",
        "vbank",
        "kakaopay",
        "naverpay",
        "payco",
        "samsung",
        "applepay",
        "cultureland",
        "smartculture",
        "booknlife",
        "phone"
      ],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [secret("integration_key", "Integration key"), plain("daou_mid", "MID (issued besides the CPID)")],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "CTS17362", HELP("daou")),
        mid("api.keyin", "CTS16628", HELP("daou"), { note: "card number + expiry" }),
        mid("api.keyin", "CTS16629", HELP("daou"), { note: "card number + password + expiry + birth date" }),
        mid("api.subscription", "CTS17266", HELP("daou"))
      ]
    },
    testNotes: [nightlyCancel],
    notes: ["Set the notification URL in the Kiwoom Pay admin before going live."],
    sources: [HELP("daou"), CODES]
  },
  {
    code: "kicc",
    displayName: "EasyPay (KICC)",
    localName: "이지페이(KICC)",
    mid: { name: "mid", label: "Merchant ID" },
    payMethods: { "window.general": ["card", "trans", "vbank", "phone"], "window.subscription": ["card"] },
    credentialFields: [],
    test: { kind: "shared", mids: [mid("window.general", "T5102001", HELP("kicc")), mid("window.subscription", "T5102001", HELP("kicc"))] },
    testNotes: ["Test payments are not charged."],
    sources: [HELP("kicc"), CODES, BILLING]
  },
  {
    code: "ksnet",
    displayName: "KSNET",
    localName: "KSNET",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "vbank", "trans", "phone", "lpay", "ssgpay", "kakaopay", "naverpay", "payco"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [secret("api_key", "API key")],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "2999199999", HELP("ksnet")),
        mid("api.keyin", "2999199990", HELP("ksnet")),
        mid("api.subscription", "2999199990", HELP("ksnet"))
      ]
    },
    testNotes: [
      "Test payments are cancelled automatically some time after payment, so the status shown may differ from the PG's.",
      "KB Kookmin cards, bank transfer and gift certificates cannot be tested.",
      "Never deposit into a test virtual account."
    ],
    notes: ["KSNET must set the virtual-account notify URL."],
    sources: [HELP("ksnet"), CODES, HIST("ksnet")]
  },
  {
    code: "mobilians",
    displayName: "KG Financial (ex-KG Mobilians)",
    localName: "KG파이낸셜",
    mid: { name: "service_id", label: "Service ID" },
    // Recurring payments by window are phone billing only ("KG파이낸셜 (휴대폰 소액결제 한정)", V1 non-auth).
    payMethods: { "window.general": ["card", "phone"], "window.subscription": ["phone"] },
    credentialFields: [
      secret("integration_key", "Integration key (new module)", { required: false }),
      plain("recurring_service_id", "Recurring service ID", { required: ["window.subscription"] })
    ],
    test: {
      kind: "shared",
      mids: [mid("window.general", "170622040674", HELP("mobilians")), mid("window.subscription", "170622040674", HELP("mobilians"))]
    },
    testNotes: [nightlyCancel],
    sources: [HELP("mobilians"), CODES, V1("kg"), DEV("opi/ko/integration/start/v1/non-auth.mdx")]
  },
  {
    code: "settle",
    displayName: "Hecto Financial (ex-Settlebank)",
    localName: "헥토파이낸셜",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "trans", "vbank", "phone"], "api.keyin": ["card"], "api.subscription": ["card"] },
    credentialFields: [secret("license_key", "License key (hash key)"), secret("encryption_key", "Encryption key")],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "portone1", HELP("settle")),
        mid("api.keyin", "nxca_ks_gu", HELP("settle"), { note: "card number + expiry + password + birth date" }),
        mid("api.keyin", "nxca_jt_bi", HELP("settle"), { note: "card number + expiry" }),
        mid("api.subscription", "nxca_jt_bi", HIST("settle/readme"))
      ]
    },
    testNotes: [nightlyCancel],
    sources: [HELP("settle"), CODES]
  },
  {
    code: "settle_acc",
    displayName: "Hecto My-Account Pay",
    localName: "헥토파이낸셜 내통장결제",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["trans"], "window.subscription": ["trans"] },
    credentialFields: [secret("license_key", "Encryption key (= license key)")],
    test: { kind: "pg-provided", note: "No shared test credential is documented: test with the MID Hecto issues you." },
    selection: "code-and-mid",
    notes: ["request_pay must name the MID: pg is settle_acc.MID."],
    sources: [V1("settle/mybank"), CODES]
  },
  {
    code: "smartro",
    displayName: "Smartro (old module)",
    localName: "(구) 스마트로",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "trans", "vbank"] },
    credentialFields: [secret("merchant_key", "Merchant key"), secret("cancel_password", "Cancel password", { maxLength: 6 })],
    test: { kind: "shared", mids: [mid("window.general", "iamport01m", HELP("smartro"))] },
    testNotes: [nightlyCancel],
    sources: [HELP("smartro"), CODES]
  },
  {
    code: "smartro_v2",
    displayName: "Smartro (new module)",
    localName: "(신) 스마트로",
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
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "t_2302141m", HELP("smartro")),
        mid("window.general", "t_2302165m", HELP("smartro"), { note: "escrow" }),
        mid("window.general", "t_2302161m", HELP("smartro"), { note: "foreign cards" }),
        mid("window.subscription", "t_2302142m", HELP("smartro")),
        mid("api.subscription", "t_2302142m", HIST("smartro-v2"), { note: "the billing MID of the 2024 pages (SSP Mall ID t_2302142p)" })
      ]
    },
    testNotes: [nightlyCancel],
    sources: [HELP("smartro"), CODES, V1("smartro-v2/api")]
  },
  {
    code: "welcome",
    displayName: "Welcome Payments",
    localName: "웰컴페이먼츠",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "trans", "vbank", "phone", "culturegift", "lpay", "kakaopay", "payco", "tosspay", "naverpay"],
      "window.subscription": ["card"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      secret("sign_key", "Sign key"),
      secret("field_encryption_iv", "Field-encryption IV", { required: false }),
      secret("field_encryption_key", "Field-encryption key", { required: false })
    ],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "welcometst", HELP("welcome")),
        mid("api.keyin", "welcometst", HIST("welcome"), { note: "the general MID; no separate key-in MID is documented" }),
        mid("window.subscription", "wpaybill01", HELP("welcome")),
        mid("api.subscription", "wpaybill01", HELP("welcome"))
      ]
    },
    testNotes: ["LPAY, PAYCO and card points (useCardPoint) cannot be tested."],
    notes: ["The field-encryption IV and key are left blank in the live console (help centre); the developer docs ask for them."],
    sources: [HELP("welcome"), CODES, DEV("opi/ko/integration/ready/readme.mdx"), V1("welcome/caution")]
  },
  {
    code: "paypal",
    displayName: "PayPal Express Checkout (old)",
    localName: "(구) 페이팔",
    mid: { name: "api_username", label: "API username" },
    payMethods: { "window.general": ["card"] },
    credentialFields: [secret("api_password", "API password"), secret("signature", "Signature")],
    test: { kind: "pg-provided", note: "Create your own PayPal sandbox seller; the buyer must be a US account." },
    notes: ["New Express Checkout sign-ups are closed."],
    sources: [HELP("paypal"), CODES]
  },
  {
    code: "paypal_v2",
    displayName: "PayPal SPB / RT",
    localName: "(신) 페이팔",
    mid: { name: "account_id", label: "PayPal merchant (account) ID" },
    payMethods: { "window.general": ["paypal"], "window.subscription": ["paypal"] },
    credentialFields: [],
    test: {
      kind: "pg-provided",
      note: "In test mode the seller must be PortOne's shared sandbox account for your country (e.g. US 7WBB3CKT63FRG, KR UFYSG9T7RFW2A); the buyer sandbox account is your own."
    },
    sources: [HELP("paypal"), CODES, BILLING]
  },
  {
    code: "eximbay",
    displayName: "Eximbay",
    localName: "엑심베이",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "alipay", "unionpay", "tenpay", "econtext", "wechat", "molpay"] },
    credentialFields: [secret("secret_key", "Secret key")],
    test: { kind: "shared", mids: [mid("window.general", "1849705C64", HELP("eximbay"))] },
    testNotes: ["Only Eximbay's test cards work in test mode."],
    notes: ["Request Japanese convenience-store payments with econtext; they are recorded with pay_method vbank."],
    sources: [HELP("eximbay"), CODES, V1("eximbay")]
  },
  {
    code: "paymentwall",
    displayName: "Paymentwall",
    localName: "페이먼트월",
    mid: { name: "project_key", label: "Project key" },
    payMethods: { "window.general": ["card"], "window.subscription": ["card"], "api.keyin": ["card"], "api.subscription": ["card"] },
    credentialFields: [secret("secret_key", "Secret key")],
    test: {
      kind: "pg-provided",
      note: "Test with your own Paymentwall sandbox project key; payments are real charges, cancel them afterwards."
    },
    notes: ["Set the Pingback URL in the Paymentwall admin.", "The developer docs disagree on whether API key-in and billing exist."],
    sources: [HELP("paymentwall"), CODES, TYPES, BILLING]
  },
  {
    code: "inicis_jp",
    displayName: "KG Inicis Japan",
    localName: "KG이니시스(일본)",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "cvs", "paypay", "amazonpay", "rakutenpay", "merpay", "aupay", "dbarai"] },
    credentialFields: [
      secret("iniapi_key", "INIAPI key"),
      plain("cbt_type", "CBT type", { pattern: "^(JPPG|SBPS)$", patternDescription: "JPPG or SBPS" })
    ],
    test: { kind: "pg-provided", note: "KG Inicis Japan issues the test MID; there is no shared one." },
    // Absent from the V1 code table; its guide requests payments by channelKey only.
    selection: "channel-key",
    notes: ["JPY only. SBPS supports card and paypay only.", "Selected by channel key only (no V1 pg code)."],
    sources: [HELP("inicis"), CODES, V1("inicis-jp")]
  },
  {
    code: "galaxia",
    displayName: "Galaxia Communications (Galaxia Money Tree)",
    localName: "갤럭시아머니트리",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: {
      "window.general": ["card", "phone", "cultureland", "smartculture", "tmoney"],
      "window.subscription": ["card", "phone"],
      "api.keyin": ["card"],
      "api.subscription": ["card"]
    },
    credentialFields: [
      secret("key", "Key", { required: false }),
      secret("iv", "IV", { required: false }),
      secret("api_key", "API key", { required: false })
    ],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "M251105747", HELP("galaxia")),
        mid("window.general", "M2103135", HELP("galaxia"), {
          payMethods: ["cultureland", "smartculture", "tmoney"],
          note: "gift certificates and T-money"
        }),
        mid("window.subscription", "M251105747", HELP("galaxia")),
        mid("window.subscription", "M251205787", HELP("galaxia"), { payMethods: ["phone"], note: "recurring phone billing" }),
        mid("api.keyin", "M251105772", HELP("galaxia")),
        mid("api.subscription", "M251105773", HELP("galaxia"))
      ]
    },
    notes: ["The developer docs ask for a key and an IV, the help centre for an API key: fill in what Galaxia issued you."],
    sources: [HELP("galaxia"), CODES, V1("galaxia")]
  },
  {
    code: "bluewalnut",
    displayName: "BlueWalnut",
    localName: "블루월넛",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    payMethods: { "window.general": ["card", "trans", "vbank", "phone"] },
    credentialFields: [],
    test: {
      kind: "shared",
      mids: [],
      untested: [
        {
          paymentType: "window.general",
          note: "BlueWalnut is a legacy module with no published test MID: enter the one BlueWalnut gives you.",
          source: V1("blue")
        }
      ]
    },
    notes: ["Legacy: absent from the current V1 code table; credential fields are not documented."],
    sources: [V1("blue")]
  },
  {
    code: "payletter_global",
    displayName: "Payletter Global",
    localName: "페이레터 해외결제",
    mid: { name: "mid", label: "Merchant ID (MID)" },
    // The window offers foreign cards (with or without 3DS), UnionPay, WeChat Pay and Alipay; no PayPal.
    payMethods: { "window.general": ["card", "alipay", "wechat", "unionpay"], "window.subscription": ["card"] },
    // Stored channels keep the field name api_key; the console calls the value Secret Key.
    credentialFields: [secret("api_key", "Secret key")],
    test: {
      kind: "shared",
      mids: [
        mid("window.general", "portone_test", HELP("payletter"), { note: "USD" }),
        mid("window.subscription", "portone_test", HELP("payletter"), { note: "USD" })
      ]
    },
    selection: "channel-key",
    notes: ["Selected by channel key only (no V1 pg code).", "Other currencies: portoneKR_test (KRW), portoneJP_test (JPY)."],
    sources: [HELP("payletter"), V1("payletter-global")]
  },
  {
    code: "kicc_global",
    displayName: "KICC overseas payments",
    localName: "KICC 해외결제",
    mid: { name: "mid", label: "Merchant ID (MallId)" },
    payMethods: { "window.general": ["wechat", "alipay_plus"] },
    credentialFields: [secret("crypto_key", "Encryption/decryption key (암복호화 키)")],
    test: {
      kind: "pg-provided",
      note: "KICC issues no shared test key for overseas payments: sign up and enter the test MallId and key KICC issues you."
    },
    selection: "channel-key",
    testNotes: ["The WeChat Pay test MID supports PC payments only; test mobile payments with the live MID."],
    notes: [
      "Selected by channel key only (no V1 pg code).",
      "The V2 PgProvider enum calls this module KICC_V2; the code kicc_global is kept because stored channels use it."
    ],
    sources: [
      V1("kicc-v2"),
      HELP("kicc"),
      DEV("opi/ko/integration/ready/_components/integration-guide/kicc-v2.mdx"),
      { repo: "portone-io/developers.portone.io", path: "src/schema/v2.openapi.yml", checked: "2026-12-06" }
    ]
  },
  {
    code: "mobilians_v2",
    displayName: "KG Financial (new module)",
    localName: "KG파이낸셜 (신모듈)",
    mid: { name: "service_id", label: "Service ID" },
    payMethods: {
      "window.general": [
        "card",
        "phone",
        "vbank",
        "trans",
        "cultureland",
        "booknlife",
        "smartculture",
        "payco",
        "samsung",
        "ssgpay",
        "kakaopay",
        "naverpay",
        "lpay",
        "tosspay",
        "applepay"
      ],
      // A billing key issued with a first payment (phone, card), or for cards a billing key alone.
      "window.subscription": ["card", "phone"]
    },
    credentialFields: [secret("integration_key", "Integration key")],
    test: {
      kind: "shared",
      mids: [],
      untested: [
        { paymentType: "window.general", note: "No shared test MID is documented for the new module.", source: V1("kg-mobilians-v2") },
        {
          paymentType: "window.subscription",
          note: "No shared test MID is documented for the new module.",
          source: V1("kg-mobilians-v2")
        }
      ]
    },
    selection: "channel-key",
    testNotes: ["Card billing keys issued on a test channel cannot be charged: card billing-key payments work live only."],
    notes: [
      "Selected by channel key only (no V1 pg code).",
      "Only a service ID enabled for billing keys issues them; otherwise the payment goes through without a billing key."
    ],
    sources: [V1("kg-mobilians-v2")]
  },
  {
    code: "kcp_v2",
    displayName: "NHN KCP identity verification (new module)",
    localName: "NHN KCP 본인인증 (신모듈)",
    mid: { name: "site_code", label: "Site code" },
    payMethods: { certification: [] },
    credentialFields: [secret("site_key", "Site key")],
    test: {
      kind: "shared",
      mids: [],
      untested: [
        { paymentType: "certification", note: "NHN KCP gives no identity-verification test credentials.", source: HELP("kcp_channel") }
      ]
    },
    selection: "channel-key",
    notes: ["Selected by channel key only (no V1 pg code)."],
    sources: [V1("kcp-v2-identity-verification"), HELP("kcp_channel")]
  }
]
