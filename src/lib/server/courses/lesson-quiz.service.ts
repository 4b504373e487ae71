import type { Db } from '../db/index.ts';
import { checkQuizAnswer, drawQuiz, questionView, responseFromForm, type QuizCheck, type QuizQuestionView } from './lesson-quiz.ts';
import { getLessonQuiz, quizPool } from './lesson-quiz.repository.ts';

// Use cases of the end-of-lesson quiz. The caller has already checked that the learner may see
// the lesson (getLessonForStudy). Nothing is written: practice answers are not records.

export type LessonQuizView = { questions: QuizQuestionView[] };

/** A fresh draw of the lesson's practice questions, without keys; null when the lesson has no quiz. */
export async function drawLessonQuiz(db: Db, lessonId: number, now: Date, random: () => number = Math.random): Promise<LessonQuizView | null> {
	const found = await getLessonQuiz(db, lessonId);
	if (!found) return null;
	const pool = await quizPool(db, found.quiz, found.ownerOrgId, now);
	return { questions: drawQuiz(pool, found.quiz.count, random).map((q) => questionView(q.code, q.content)) };
}

/** Checks one answer. Only a question of this lesson's quiz pool (active, in force) is answered. */
export async function answerLessonQuiz(db: Db, lessonId: number, code: string, values: string[], now: Date): Promise<QuizCheck> {
	const found = await getLessonQuiz(db, lessonId);
	if (!found) return { ok: false, code, message: '本节没有课后练习' };
	const question = (await quizPool(db, found.quiz, found.ownerOrgId, now)).find((q) => q.code === code);
	if (!question) return { ok: false, code, message: '这道练习题已停用或不属于本节，请刷新页面换一组题' };
	return checkQuizAnswer(code, question.content, responseFromForm(question.content.type, values));
}
