package dev.edgesdk.sample

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.AnnotatedString
import androidx.compose.ui.text.LinkAnnotation
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.TextLinkStyles
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.text.withLink
import androidx.compose.ui.unit.dp
import dev.edgesdk.Correction

@Composable
fun CheckScreen(
    state: CheckState,
    onInput: (String) -> Unit,
    onCheck: () -> Unit,
    onCascadeToggled: (Boolean) -> Unit,
    onEditTapped: (Int?) -> Unit,
    onDecide: (Int, Boolean) -> Unit,
    onApply: () -> Unit,
    modifier: Modifier = Modifier,
) {
    Column(
        modifier = modifier.fillMaxSize().padding(16.dp).verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        OutlinedTextField(
            value = state.input,
            onValueChange = onInput,
            label = { Text("Your text") },
            modifier = Modifier.fillMaxWidth(),
            minLines = 4,
        )
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Button(onClick = onCheck, enabled = state.ready && !state.checking && state.input.isNotBlank()) {
                Text(if (state.checking) "Checking…" else "Check")
            }
            Switch(checked = state.cascadeEnabled, onCheckedChange = onCascadeToggled, enabled = state.cascadeAvailable)
            Text(if (state.cascadeAvailable) "Detector first" else "Detector first (no detector bundle)")
        }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        state.correction?.let { correction ->
            Text(reviewText(correction, state.decisions, onEditTapped), style = MaterialTheme.typography.bodyLarge)
            Text(latency(correction), style = MaterialTheme.typography.bodySmall)
            if (correction.skipped.isNotEmpty()) {
                Text("${correction.skipped.size} sentence(s) left as typed: " +
                     correction.skipped.joinToString { it.reason }, style = MaterialTheme.typography.bodySmall)
            }
            if (correction.edits.isEmpty()) Text("No changes suggested.")
            Button(onClick = onApply, enabled = correction.edits.isNotEmpty()) { Text("Apply accepted edits") }
        }
    }
    val selected = state.selectedEdit
    val correction = state.correction
    if (selected != null && correction != null) {
        val edit = correction.edits[selected]
        AlertDialog(
            onDismissRequest = { onEditTapped(null) },
            title = { Text(edit.kind.wireName.replaceFirstChar { it.uppercase() }) },
            text = { Text("\"${edit.original}\" → \"${edit.replacement}\"") },
            confirmButton = { TextButton(onClick = { onDecide(selected, true) }) { Text("Accept") } },
            dismissButton = { TextButton(onClick = { onDecide(selected, false) }) { Text("Reject") } },
        )
    }
}

/**
 * The input with each edit shown: pending and accepted ones as their replacement (pending underlined and
 * tappable), rejected ones as typed. Edit offsets are UTF-16 indices of the input, as String takes them.
 */
private fun reviewText(correction: Correction, decisions: List<Decision>, onTap: (Int?) -> Unit): AnnotatedString =
    buildAnnotatedString {
        val input = correction.input
        var at = 0
        correction.edits.forEachIndexed { i, edit ->
            append(input.substring(at, edit.start))
            when (decisions[i]) {
                Decision.REJECTED -> append(edit.original)
                Decision.ACCEPTED -> append(edit.replacement)
                Decision.PENDING -> {
                    val shown = edit.replacement.ifEmpty { "⌫${edit.original}" }
                    val style = SpanStyle(textDecoration = TextDecoration.Underline, color = Color(0xFF1565C0))
                    withLink(LinkAnnotation.Clickable("edit-$i", TextLinkStyles(style)) { onTap(i) }) { append(shown) }
                }
            }
            at = edit.end
        }
        append(input.substring(at))
    }

private fun latency(correction: Correction): String {
    val ms = correction.elapsedNanos / 1e6
    val sentences = correction.sentenceCount.coerceAtLeast(1)
    val route = when {
        correction.errorProbability == null -> "corrector"
        correction.correctorRan -> "detector → corrector"
        else -> "detector only"
    }
    return "%.1f ms for %d sentence(s), %.1f ms per sentence (%s)".format(ms, correction.sentenceCount, ms / sentences, route)
}
