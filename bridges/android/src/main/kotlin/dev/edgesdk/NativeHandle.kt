package dev.edgesdk

import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock

/**
 * One core object (corrector, classifier, cascade). The core allows one call at a time per object, so every
 * call holds [lock]; close() waits for a running call. A cascade borrows the objects it runs: a borrowed
 * object closed by its owner is freed only when the last borrower lets go, so closing in any order is safe.
 */
internal class NativeHandle(private val what: String, private var handle: Long, private val free: (Long) -> Unit) {
    private val lock = ReentrantLock()
    private var closed = false
    private var borrowers = 0

    /** Runs [block] on the live handle, serialised with every other call on it. */
    fun <T> call(block: (Long) -> T): T = lock.withLock {
        check(!closed) { "$what is closed" }
        block(handle)
    }

    /** Like [call], for a borrower: works after the owner closed, until the borrower releases. */
    fun <T> borrowed(block: (Long) -> T): T = lock.withLock {
        check(handle != 0L) { "$what was freed while borrowed" }
        block(handle)
    }

    fun retain(): Long = lock.withLock {
        check(!closed) { "$what is closed" }
        borrowers += 1
        handle
    }

    fun release(): Unit = lock.withLock {
        borrowers -= 1
        freeWhenUnused()
    }

    val isClosed: Boolean get() = lock.withLock { closed }

    fun close(): Unit = lock.withLock {
        if (!closed) {
            closed = true
            freeWhenUnused()
        }
    }

    private fun freeWhenUnused() {
        if (closed && borrowers == 0 && handle != 0L) {
            free(handle)
            handle = 0L
        }
    }
}

/** Times one native call. */
internal inline fun <T> timed(block: () -> T): Pair<T, Long> {
    val start = System.nanoTime()
    val result = block()
    return result to (System.nanoTime() - start)
}
