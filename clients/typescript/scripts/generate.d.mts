export declare const CLIENT_DIR: string;
export declare const DOCUMENT_FILE: string;
export declare const TYPES_FILE: string;
export declare function documentText(document: unknown): string;
export declare function typesText(document: unknown): Promise<string>;
