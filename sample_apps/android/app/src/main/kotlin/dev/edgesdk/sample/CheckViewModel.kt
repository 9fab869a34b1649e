package dev.edgesdk.sample

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import dev.edgesdk.Cascade
import dev.edgesdk.Correction
import dev.edgesdk.EdgeSdkException
import dev.edgesdk.Edit
import dev.edgesdk.ErrorDetector
import dev.edgesdk.android.ContextAssets
import dev.edgesdk.sample.grammar.GrammarCorrector
import dev.edgesdk.sample.grammar.open
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

enum class Decision { PENDING, ACCEPTED, REJECTED }

data class CheckState(
    val input: String = "I has a apple and two banana. We was going to the park yesterday.",
    val ready: Boolean = false,
    val checking: Boolean = false,
    val correction: Correction? = null,
    val decisions: List<Decision> = emptyList(),
    val selectedEdit: Int? = null,
    val cascadeAvailable: Boolean = false,
    val cascadeEnabled: Boolean = false,
    val error: String? = null,
) {
    val pendingEdits: Int get() = decisions.count { it == Decision.PENDING }
}

/** Opens the models once (off the main thread), runs checks, keeps the user's accept/reject choices. */
class CheckViewModel(application: Application) : AndroidViewModel(application) {
    private val state = MutableStateFlow(CheckState())
    val ui: StateFlow<CheckState> = state.asStateFlow()

    private var corrector: GrammarCorrector? = null
    private var detector: ErrorDetector? = null
    private var cascade: Cascade? = null

    init {
        viewModelScope.launch {
            try {
                withContext(Dispatchers.Default) {
                    val app = getApplication<Application>()
                    val opened = GrammarCorrector.open(app)
                    corrector = opened
                    // The detector is optional: present when the build copied build/detector into the assets.
                    if (app.assets.list("")?.contains(DETECTOR_ASSET) == true) {
                        val found = ErrorDetector.open(ContextAssets(app), DETECTOR_ASSET)
                        detector = found
                        cascade = Cascade.open(found, opened.corrector)
                    }
                }
                state.update { it.copy(ready = true, cascadeAvailable = cascade != null) }
            } catch (e: EdgeSdkException) {
                state.update { it.copy(error = "Cannot open the model: ${e.message}") }
            }
        }
    }

    fun onInput(text: String) = state.update { it.copy(input = text, correction = null, decisions = emptyList()) }

    fun onCascadeToggled(enabled: Boolean) = state.update { it.copy(cascadeEnabled = enabled && cascade != null) }

    fun check() {
        val current = state.value
        val model = corrector ?: return
        state.update { it.copy(checking = true, error = null) }
        viewModelScope.launch {
            try {
                val result = if (current.cascadeEnabled) cascade!!.correct(current.input) else model.correct(current.input)
                state.update {
                    it.copy(checking = false, correction = result, decisions = List(result.edits.size) { Decision.PENDING })
                }
            } catch (e: EdgeSdkException) {
                state.update { it.copy(checking = false, error = e.message) }
            }
        }
    }

    fun selectEdit(index: Int?) = state.update { it.copy(selectedEdit = index) }

    fun decide(index: Int, accept: Boolean) = state.update {
        it.copy(
            decisions = it.decisions.mapIndexed { i, d -> if (i == index) if (accept) Decision.ACCEPTED else Decision.REJECTED else d },
            selectedEdit = null,
        )
    }

    /** Writes the accepted edits into the text field; rejected and undecided ones leave the text as typed. */
    fun applyAccepted() = state.update { s ->
        val correction = s.correction ?: return@update s
        val accepted: List<Edit> = correction.edits.filterIndexed { i, _ -> s.decisions[i] == Decision.ACCEPTED }
        s.copy(input = correction.applying(accepted), correction = null, decisions = emptyList())
    }

    override fun onCleared() {
        cascade?.close()
        detector?.close()
        corrector?.close()
    }

    private companion object {
        const val DETECTOR_ASSET = "error-detector"
    }
}
