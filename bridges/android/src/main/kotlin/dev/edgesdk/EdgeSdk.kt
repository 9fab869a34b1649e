package dev.edgesdk

/** The native core this library runs. */
public object EdgeSdk {
    /** The SDK version the core was built as ("0.1.0"). */
    public val version: String get() = NativeCore.version().toString(Charsets.UTF_8)

    /** The C ABI version of the loaded core; the glue refuses to load against another one. */
    public val abiVersion: Int get() = NativeCore.abiVersion()

    /** The bundle manifest schema_version the core reads. */
    public val schemaVersion: Int get() = NativeCore.schemaVersion()

    /** The longest text one correct()/classify() call takes, in Unicode code points. */
    public val maxTextChars: Long get() = NativeCore.maxTextChars()
}
