import * as React from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { cn } from "@/lib/utils";

const badgeVariants = cva(
  "inline-flex items-center gap-1 rounded-md border px-2 py-0.5 text-xs font-medium whitespace-nowrap",
  {
    variants: {
      variant: {
        default: "border-transparent bg-primary text-primary-foreground",
        secondary: "border-transparent bg-secondary text-secondary-foreground",
        outline: "text-foreground",
        success: "border-transparent bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50",
        warning: "border-transparent bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-50",
        danger: "border-transparent bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-50",
        info: "border-transparent bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-50",
      },
    },
    defaultVariants: { variant: "default" },
  },
);

export function Badge({
  className,
  variant,
  ...props
}: React.ComponentProps<"span"> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ variant }), className)} {...props} />;
}
