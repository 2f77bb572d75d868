/**
 * Keeps a part's failure to the part: a render error shows a message where the part was, and the
 * nav, the header and the other parts keep working (never a blank page).
 */
import { Component, type ReactNode } from "react"

export class PartBoundary extends Component<
  { readonly message: string; readonly children: ReactNode },
  { readonly error: string | undefined }
> {
  override state = { error: undefined as string | undefined }

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error.message : String(error) }
  }

  override render() {
    if (this.state.error === undefined) return this.props.children
    return (
      <div className="problem" role="alert">
        <p>{this.props.message}</p>
        <p>
          <code>{this.state.error}</code>
        </p>
      </div>
    )
  }
}
