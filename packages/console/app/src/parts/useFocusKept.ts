/**
 * Keeps keyboard focus on the page when the control that has it leaves the page (a removed row, a
 * button an action put away, a secret put away): focus goes to the control now in its place in
 * its row (a table row or list item), else to the heading of the nearest section still shown (one
 * with `tabIndex={-1}` takes it), else to the part's heading. Chromium drops it to <body>, and a
 * keyboard user starts again from the top.
 */
import { useEffect } from "react"

/** Where the focused control was, read when it took focus. */
interface Place {
  readonly control: Element
  readonly row: Element | null
  /** Its place among its row's controls. */
  readonly index: number
  /** The headings of the sections around it, innermost first, then the part's. */
  readonly headings: ReadonlyArray<HTMLElement>
}

const controlsOf = (row: Element): Array<HTMLElement> =>
  [...row.querySelectorAll<HTMLElement>("a[href], button, input, select, textarea, [tabindex]")].filter(
    (control) => control.tabIndex >= 0 && !control.matches(":disabled")
  )

const placeOf = (control: Element): Place => {
  const row = control.closest("tr, li")
  const headings: Array<HTMLElement> = []
  for (let section = control.closest("section[aria-labelledby]"); section !== null; ) {
    const heading = document.getElementById(section.getAttribute("aria-labelledby") ?? "")
    if (heading !== null) headings.push(heading)
    section = section.parentElement?.closest("section[aria-labelledby]") ?? null
  }
  const part = document.querySelector<HTMLElement>("main h1")
  if (part !== null) headings.push(part)
  return { control, row, index: row === null ? -1 : controlsOf(row).indexOf(control as HTMLElement), headings }
}

/** Where focus goes, best first: the control now in its place in its row, then the headings. */
const successorsOf = (place: Place): Array<HTMLElement> => {
  const row = place.row?.isConnected ? controlsOf(place.row) : []
  const inPlace = row[Math.min(place.index, row.length - 1)]
  return [...(inPlace === undefined ? [] : [inPlace]), ...place.headings.filter((heading) => heading.isConnected)]
}

export const useFocusKept = (): void => {
  useEffect(() => {
    let place: Place | undefined
    const onFocusIn = (e: FocusEvent) => {
      // A dialog gives focus back to what opened it when it closes.
      if (e.target instanceof Element && e.target.closest("dialog") === null) place = placeOf(e.target)
    }
    // Only when nothing else took focus: a part that moves it itself (a removed rule) has done so.
    const observer = new MutationObserver(() => {
      if (place === undefined || place.control.isConnected || document.activeElement !== document.body) return
      const lost = place
      place = undefined
      for (const successor of successorsOf(lost)) {
        successor.focus()
        if (document.activeElement === successor) return
      }
    })
    // Focus the user moved to nothing (a click on the page's background) is theirs to leave: the
    // control is still there when they do, unlike one an action removes.
    const onFocusOut = (e: FocusEvent) => {
      const left = e.target
      if (e.relatedTarget !== null || place?.control !== left) return
      queueMicrotask(() => {
        if (place?.control === left && (left as Element).isConnected) place = undefined
      })
    }
    document.addEventListener("focusin", onFocusIn)
    document.addEventListener("focusout", onFocusOut)
    observer.observe(document.body, { childList: true, subtree: true })
    return () => {
      document.removeEventListener("focusin", onFocusIn)
      document.removeEventListener("focusout", onFocusOut)
      observer.disconnect()
    }
  }, [])
}
