"""Training and self-study: the lesson/question bank, quizzes, courses, attendance and contests."""
