//! "Analyze case" in the app: every item analysed and recorded as `forgelens case analyze`
//! does (`forgelens_report::case::analyze_item`: run folder, item report, model and parameters in the
//! audit log), on a thread with its own `Analyzer`, reporting each item; the case is read
//! again from disk when it finishes.

use std::sync::mpsc::channel;

use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, AnalyzerOptions, select_device};
use forgelens_report::case::{Case, analyze_item};
use forgelens_report::{MapThresholds, ReportOptions};

use super::super::case_panel::{CaseAnalysis, CaseAnalysisEvent};
use super::ForgeLensApp;
use crate::build_info::tool_info;
use crate::commands::case::actor;
use crate::model_location::resolve_model_dir;

impl ForgeLensApp {
    pub(super) fn analyze_case(&mut self) {
        let Some(case) = self.case.case.as_ref() else {
            return;
        };
        if self.case.analysis.is_some() {
            return;
        }
        let root = case.root().to_path_buf();
        let model = self.state.model_dir.clone();
        let device = self.state.device;
        let [cam, attention, fused] = self.state.thresholds;
        let options = ReportOptions {
            thresholds: MapThresholds {
                cam,
                attention,
                fused,
            },
            inconclusive_below: self.state.inconclusive_below,
            colormap: self.state.colormap,
            ..ReportOptions::default()
        };
        let (tx, events) = channel();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let send = |event| {
                let _ = tx.send(event);
                ctx.request_repaint();
            };
            let run = || -> Result<(), String> {
                let dir = resolve_model_dir(model).map_err(|e| format!("{e:#}"))?;
                let device = select_device(device).map_err(|e| e.to_string())?;
                let analyzer = Analyzer::from_dir(&dir, device, AnalyzerOptions::default())
                    .map_err(|e| format!("loading the model from {}: {e}", dir.display()))?;
                let mut case = Case::open(&root, actor()).map_err(|e| e.to_string())?;
                let ids: Vec<String> = case.items().iter().map(|i| i.id.clone()).collect();
                for id in ids {
                    let line = match analyze_item(
                        &mut case,
                        &id,
                        &analyzer,
                        &options,
                        &tool_info(),
                        &no_progress(),
                        &CancelToken::new(),
                    ) {
                        Ok(record) => format!("{id}: {} (run {})", record.summary, record.run),
                        Err(e) => format!("{id}: FAILED: {e}"),
                    };
                    send(CaseAnalysisEvent::Item(line));
                }
                Ok(())
            };
            let outcome = run().err();
            send(CaseAnalysisEvent::Finished(outcome));
        });
        self.case.message = Some("Analysing every item…".into());
        self.case.analysis = Some(CaseAnalysis {
            events,
            lines: Vec::new(),
        });
    }

    /// Takes in the thread's reports; reads the case again when it is done.
    pub(super) fn poll_case_analysis(&mut self) {
        let Some(analysis) = self.case.analysis.as_mut() else {
            return;
        };
        let mut finished = None;
        while let Ok(event) = analysis.events.try_recv() {
            match event {
                CaseAnalysisEvent::Item(line) => analysis.lines.push(line),
                CaseAnalysisEvent::Finished(outcome) => finished = Some(outcome),
            }
        }
        self.case.message = Some(analysis.lines.join("\n"));
        let Some(outcome) = finished else {
            return;
        };
        self.case.analysis = None;
        if let Some(error) = outcome {
            self.error = Some(format!("case analysis: {error}"));
        }
        let reopened = self
            .case
            .case
            .as_ref()
            .map(|c| Case::open(c.root(), actor()));
        match reopened {
            Some(Ok(case)) => self.case.case = Some(case),
            Some(Err(e)) => self.error = Some(format!("case: {e}")),
            None => {}
        }
    }
}
