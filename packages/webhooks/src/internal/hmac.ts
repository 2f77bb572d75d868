import { createHmac, type KeyObject } from "node:crypto"

/** Body bytes as sent on the wire: a string is taken as its UTF-8 encoding. */
export type Body = string | Uint8Array

/** HMAC-SHA256 over `${id}.${timestamp}.${body}` as base64, without copying a byte body. */
export const digestBase64 = (key: KeyObject, prefix: string, body: Body): string => {
  const h = createHmac("sha256", key)
  if (typeof body === "string") {
    h.update(prefix + body)
  } else {
    h.update(prefix)
    h.update(body)
  }
  return h.digest("base64")
}
