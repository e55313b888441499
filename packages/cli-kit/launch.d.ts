/** Import a compiled entry point, or say in one line that the workspace is not built yet. */
export function launch(name: string, entry: URL): Promise<void>;
