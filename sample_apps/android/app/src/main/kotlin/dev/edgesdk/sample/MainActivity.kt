package dev.edgesdk.sample

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.lifecycle.compose.collectAsStateWithLifecycle

class MainActivity : ComponentActivity() {
    private val viewModel: CheckViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent {
            MaterialTheme {
                Scaffold { padding ->
                    val state by viewModel.ui.collectAsStateWithLifecycle()
                    CheckScreen(
                        state = state,
                        onInput = viewModel::onInput,
                        onCheck = viewModel::check,
                        onCascadeToggled = viewModel::onCascadeToggled,
                        onEditTapped = viewModel::selectEdit,
                        onDecide = viewModel::decide,
                        onApply = viewModel::applyAccepted,
                        modifier = Modifier.padding(padding),
                    )
                }
            }
        }
    }
}
