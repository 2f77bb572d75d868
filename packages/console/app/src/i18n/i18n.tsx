/**
 * Labels in English (the default) and Korean, switchable. One dictionary module per language;
 * the keys are English's, so a missing Korean label is a type error.
 */
import { createContext, useContext } from "react"
import { en, type Key } from "./en.ts"
import { ko } from "./ko.ts"

export type Lang = "en" | "ko"
export type { Key }

const dictionaries: Record<Lang, Record<Key, string>> = { en, ko }

/**
 * `t("key", { n: 3 })` fills `{n}` in the label; `{n|channel|channels}` picks the singular when
 * `n` is 1 (English needs it; Korean labels simply do not use it).
 */
export type Translate = (key: Key, vars?: Readonly<Record<string, string | number>>) => string

export const translator =
  (lang: Lang): Translate =>
  (key, vars) => {
    const label = dictionaries[lang][key]
    if (vars === undefined) return label
    return label
      .replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (whole, name: string, one: string, other: string) =>
        name in vars ? (vars[name] === 1 ? one : other) : whole
      )
      .replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
  }

export const LangContext = createContext<{ readonly lang: Lang; readonly t: Translate }>({ lang: "en", t: translator("en") })

export const useT = (): Translate => useContext(LangContext).t

export const useLang = (): Lang => useContext(LangContext).lang
