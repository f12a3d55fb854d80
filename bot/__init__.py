"""Field-reporting chatbot for Mèo Vạc's sustainable poverty-reduction programme."""
