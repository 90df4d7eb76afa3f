//! The run's plan: the teacher, R rounds of students then generalizers, the classifier,
//! localisation; each step a `Phase` with its epochs.

use super::config::TrainingConfig;
use super::stages::Stage;

/// One step of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub stage: Stage,
    /// 1-based round for stages 2 and 3; 0 otherwise.
    pub round: usize,
    pub epochs: usize,
}

impl Phase {
    pub fn name(&self) -> String {
        if self.round > 0 {
            format!("{}-r{}", self.stage, self.round)
        } else {
            self.stage.to_string()
        }
    }
}

/// Teacher, R rounds of students then generalizers, classifier, localisation.
pub fn plan(config: &TrainingConfig) -> Vec<Phase> {
    let mut phases = vec![Phase {
        stage: Stage::Teacher,
        round: 0,
        epochs: config.teacher_epochs,
    }];
    for round in 1..=config.rounds.max(1) {
        phases.push(Phase {
            stage: Stage::Students,
            round,
            epochs: config.student_epochs,
        });
        phases.push(Phase {
            stage: Stage::Generalizers,
            round,
            epochs: config.generalizer_epochs,
        });
    }
    phases.push(Phase {
        stage: Stage::Classifier,
        round: 0,
        epochs: config.classifier_epochs,
    });
    phases.push(Phase {
        stage: Stage::Localisation,
        round: 0,
        epochs: config.localisation_epochs,
    });
    phases
}
