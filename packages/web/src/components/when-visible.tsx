import { type ReactNode, useEffect, useRef, useState } from 'react'

/**
 * Renders its children once the placeholder comes near the viewport, and keeps them from then
 * on: a page of a thousand charts draws the few on screen first, the rest as they scroll in.
 */
export function WhenVisible({ minHeight, children }: { minHeight: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null)
  const [isVisible, setVisible] = useState(false)
  useEffect(() => {
    const element = ref.current
    if (!element || isVisible) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setVisible(true)
      },
      { rootMargin: '400px 0px' },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [isVisible])
  return (
    <div ref={ref} style={isVisible ? undefined : { minHeight }}>
      {isVisible ? children : null}
    </div>
  )
}
