import { main } from "./Cli.ts"

main()
